package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.Outgoing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The callback URLs each tenant has: those in configuration and those registered through the API.
 * Registrations are read from the database at most every {@code refresh} per tenant, so every
 * delivery-service instance sees a new or deleted webhook within that time without a database
 * query per event.
 */
public final class TenantWebhooks {

  private record Cached(List<WebhookChannel> channels, long loadedAtNanos) {
  }

  private final Map<String, List<WebhookChannel>> configured;
  private final WebhookSubscriptions subscriptions;
  private final Function<WebhookSubscriptions.Subscription, WebhookChannel> channelOf;
  private final long refreshNanos;
  private final Map<String, Cached> registered = new ConcurrentHashMap<>();

  public TenantWebhooks(Map<String, List<WebhookChannel>> configured, WebhookSubscriptions subscriptions,
      Function<WebhookSubscriptions.Subscription, WebhookChannel> channelOf, Duration refresh) {
    this.configured = Map.copyOf(configured);
    this.subscriptions = subscriptions;
    this.channelOf = channelOf;
    this.refreshNanos = refresh.toNanos();
  }

  /** The tenant's webhooks that subscribed to this reply or event. */
  public List<WebhookChannel> subscribedTo(Outgoing outgoing) {
    return of(outgoing.tenantId()).stream().filter(hook -> hook.wants(outgoing)).toList();
  }

  /** The tenant's webhook behind a ledger target ("webhook:<url>"), if it is still registered. */
  public Optional<WebhookChannel> byTarget(Outgoing outgoing, String target) {
    return of(outgoing.tenantId()).stream().filter(hook -> hook.target(outgoing).equals(target)).findFirst();
  }

  /** Forgets what was read for the tenant: the next event reads its registrations again. */
  public void changed(String tenantId) {
    registered.remove(tenantId);
  }

  private List<WebhookChannel> of(String tenantId) {
    Cached cached = registered.compute(tenantId, (tenant, current) ->
        current != null && System.nanoTime() - current.loadedAtNanos() < refreshNanos ? current
            : new Cached(subscriptions.of(tenant).stream().map(channelOf).toList(), System.nanoTime()));
    List<WebhookChannel> all = new ArrayList<>(configured.getOrDefault(tenantId, List.of()));
    all.addAll(cached.channels());
    return all;
  }
}
