package dev.parley.delivery.channel;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Instant;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Consumes replies and records a delivery receipt for each. Web, API and WebSocket replies need no
 * outbound call (clients receive them from the ingress gateway): their receipt says so.
 *
 * <p>WhatsApp and tenant webhooks have no outbound adapter yet: such a reply is dead-lettered
 * with that reason and gets a DEAD_LETTERED receipt, so it is visible and can be re-driven later.
 * Receipt ids derive from the reply id and the attempt, so a redelivered reply repeats the same id.
 */
@Component
class ReplyDispatcher {

  private static final Set<ChannelType> GATEWAY_CHANNELS = Set.of(ChannelType.WEB, ChannelType.API, ChannelType.WEBSOCKET);

  private final KafkaTemplate<String, SpecificRecord> kafka;

  ReplyDispatcher(KafkaTemplate<String, SpecificRecord> kafka) {
    this.kafka = kafka;
  }

  @KafkaListener(id = "reply-dispatcher", topics = "parley.replies", groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (!(record.value() instanceof AssistantReply reply)) {
      throw new IllegalArgumentException("expected an AssistantReply, got "
          + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    ChannelType channel = reply.getChannel().getType();
    DeliveryStatus status;
    String detail;
    if (GATEWAY_CHANNELS.contains(channel)) {
      status = DeliveryStatus.SERVED_BY_GATEWAY;
      detail = "served to the client by the ingress gateway";
    } else {
      status = DeliveryStatus.DEAD_LETTERED;
      detail = "no outbound adapter is configured for channel " + channel;
      kafka.send(Topics.DEAD_LETTERS.name(), record.key(), DeadLetters.of("delivery-service", record.topic(),
          record.partition(), record.offset(), record.key() == null ? null : record.key().getBytes(), null,
          new IllegalStateException(detail))).join();
    }
    int attempt = 1;
    kafka.send(Topics.DELIVERY_RECEIPTS.name(), record.key(), DeliveryReceipt.newBuilder()
        .setEventId(Keys.derivedId("receipt", reply.getEventId(), Integer.toString(attempt)))
        .setTenantId(reply.getTenantId())
        .setConversationId(reply.getConversationId())
        .setReplyId(reply.getEventId())
        .setChannel(channel)
        .setStatus(status)
        .setAttempt(attempt)
        .setDetail(detail)
        .setCreatedAt(Instant.now())
        .build()).join();
  }
}
