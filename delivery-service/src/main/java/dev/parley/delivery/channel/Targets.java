package dev.parley.delivery.channel;

import dev.parley.delivery.channel.webhook.TenantWebhooks;
import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where something goes: a WhatsApp reply to the provider, and everything to the tenant's webhooks
 * that subscribed to it. A target is named ("whatsapp:channel-1", "webhook:https://...") so a queued
 * row finds its way again after a restart.
 */
public final class Targets {

  /** A named target and the channel its receipts name. */
  public record Target(String name, ChannelType channel, Outbound outbound) {
  }

  private static final String WEBHOOK = "webhook:";

  private final Outbound whatsApp;
  private final TenantWebhooks webhooks;

  public Targets(Outbound whatsApp, TenantWebhooks webhooks) {
    this.whatsApp = whatsApp;
    this.webhooks = webhooks;
  }

  public List<Target> of(Outgoing outgoing) {
    List<Target> targets = new ArrayList<>();
    if (outgoing.event() instanceof AssistantReply reply && reply.getChannel().getType() == ChannelType.WHATSAPP) {
      targets.add(new Target(whatsApp.target(outgoing), ChannelType.WHATSAPP, whatsApp));
    }
    for (WebhookChannel webhook : webhooks.subscribedTo(outgoing)) {
      targets.add(new Target(webhook.target(outgoing), ChannelType.WEBHOOK, webhook));
    }
    return targets;
  }

  /** The target of that name; empty when it is a webhook no longer registered. */
  public Optional<Outbound> named(String name, Outgoing outgoing) {
    return name.startsWith(WEBHOOK) ? webhooks.byTarget(outgoing, name).map(Outbound.class::cast) : Optional.of(whatsApp);
  }

  public static ChannelType channelOf(String name) {
    return name.startsWith(WEBHOOK) ? ChannelType.WEBHOOK : ChannelType.WHATSAPP;
  }
}
