package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.Outgoing;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The callback URLs each tenant registered. */
public final class TenantWebhooks {

  private final Map<String, List<WebhookChannel>> byTenant;

  public TenantWebhooks(Map<String, List<WebhookChannel>> byTenant) {
    this.byTenant = Map.copyOf(byTenant);
  }

  /** The tenant's webhooks that subscribed to this reply or event. */
  public List<WebhookChannel> subscribedTo(Outgoing outgoing) {
    return byTenant.getOrDefault(outgoing.tenantId(), List.of()).stream().filter(hook -> hook.wants(outgoing)).toList();
  }

  /** The tenant's webhook behind a ledger target ("webhook:<url>"), if it is still registered. */
  public Optional<WebhookChannel> byTarget(Outgoing outgoing, String target) {
    return byTenant.getOrDefault(outgoing.tenantId(), List.of()).stream()
        .filter(hook -> hook.target(outgoing).equals(target)).findFirst();
  }
}
