package dev.parley.delivery.channel;

import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelType;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Sends a dead-lettered reply again to the target that failed, with the usual retries and ledger. */
@Component
public class Redrive {

  private final DeliveryLedger ledger;
  private final OutboundDelivery delivery;
  private final Outbound whatsApp;
  private final Map<String, List<WebhookChannel>> webhooks;
  private final AvroSerdes serdes;

  Redrive(DeliveryLedger ledger, OutboundDelivery delivery, Outbound whatsApp, Map<String, List<WebhookChannel>> webhooks,
      AvroSerdes serdes) {
    this.ledger = ledger;
    this.delivery = delivery;
    this.whatsApp = whatsApp;
    this.webhooks = webhooks;
    this.serdes = serdes;
  }

  public OutboundDelivery.Result redrive(DeliveryLedger.FailedDelivery failure) {
    AssistantReply reply = serdes.<AssistantReply>valueSerde(Topics.REPLIES).deserializer()
        .deserialize(Topics.REPLIES.name(), failure.reply());
    Outbound target = failure.target().startsWith("webhook:")
        ? webhooks.getOrDefault(failure.tenantId(), List.of()).stream()
            .filter(w -> w.target(reply).equals(failure.target())).findFirst()
            .map(Outbound.class::cast)
            .orElseThrow(() -> new IllegalStateException("the webhook " + failure.target() + " is no longer registered"))
        : whatsApp;
    ChannelType channel = failure.target().startsWith("webhook:") ? ChannelType.WEBHOOK : ChannelType.WHATSAPP;
    OutboundDelivery.Result result = delivery.deliver(reply, target, channel);
    ledger.markRedriven(failure.id());
    return result;
  }
}
