package dev.parley.delivery.channel;

import dev.parley.delivery.channel.webhook.TenantWebhooks;
import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.events.ChannelType;
import dev.parley.schemas.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Component;

/** Sends a dead-lettered reply or conversation event again to the target that failed, with the usual retries and ledger. */
@Component
public class Redrive {

  /** The failed target can no longer be sent to (a webhook was deleted since). */
  public static final class TargetGone extends RuntimeException {
    TargetGone(String target) {
      super("the webhook " + target + " is no longer registered");
    }
  }

  private final DeliveryLedger ledger;
  private final OutboundDelivery delivery;
  private final Outbound whatsApp;
  private final TenantWebhooks webhooks;
  private final AvroSerdes serdes;

  Redrive(DeliveryLedger ledger, OutboundDelivery delivery, Outbound whatsApp, TenantWebhooks webhooks, AvroSerdes serdes) {
    this.ledger = ledger;
    this.delivery = delivery;
    this.whatsApp = whatsApp;
    this.webhooks = webhooks;
    this.serdes = serdes;
  }

  public OutboundDelivery.Result redrive(DeliveryLedger.FailedDelivery failure) {
    SpecificRecord event = serdes.<SpecificRecord>anyRecordSerde().deserializer().deserialize(failure.sourceTopic(), failure.payload());
    Outgoing outgoing = Outgoing.of(event);
    boolean webhook = failure.target().startsWith("webhook:");
    Outbound target = webhook
        ? webhooks.byTarget(outgoing, failure.target())
            .map(Outbound.class::cast)
            .orElseThrow(() -> new TargetGone(failure.target()))
        : whatsApp;
    OutboundDelivery.Result result = delivery.deliver(outgoing, target, webhook ? ChannelType.WEBHOOK : ChannelType.WHATSAPP);
    ledger.markRedriven(failure.id());
    return result;
  }
}
