package dev.parley.delivery.receipt;

import dev.parley.schemas.metrics.AiMeters;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Writes what happened to a delivery to {@code parley.delivery-receipts}: one receipt per attempt
 * and target, its id derived from both, so a reader can tell a receipt repeated from a new one.
 */
public final class Receipts {

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final AiMeters meters;

  public Receipts(KafkaTemplate<String, SpecificRecord> kafka, AiMeters meters) {
    this.kafka = kafka;
    this.meters = meters;
  }

  /** Writes the receipt and waits for the broker to have it. */
  public void write(Outgoing outgoing, String target, ChannelType channel, DeliveryStatus status, int attempt, String detail) {
    kafka.send(Topics.DELIVERY_RECEIPTS.name(), outgoing.key(), DeliveryReceipt.newBuilder()
        .setEventId(Keys.derivedId("receipt", outgoing.id(), target, status.name(), Integer.toString(attempt)))
        .setTenantId(outgoing.tenantId())
        .setConversationId(outgoing.conversationId())
        .setReplyId(outgoing.id())
        .setKind(outgoing.kind())
        .setChannel(channel)
        .setStatus(status)
        .setAttempt(attempt)
        .setDetail(detail)
        .setCreatedAt(Instant.now())
        .build()).join();
    meters.delivery(channel.name(), status.name());
    if (status == DeliveryStatus.DEAD_LETTERED) {
      meters.error(AiMeters.ErrorType.DELIVERY);
    }
  }
}
