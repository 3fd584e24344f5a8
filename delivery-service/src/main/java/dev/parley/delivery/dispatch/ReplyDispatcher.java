package dev.parley.delivery.dispatch;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.Targets;
import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.delivery.queue.OutboundQueue;
import dev.parley.delivery.receipt.Receipts;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryStatus;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes replies and queues each where it must go: WhatsApp replies to the provider, every reply
 * to the webhooks of its tenant that subscribed to replies. Web, API and WebSocket replies need no
 * outbound call (clients get them from the ingress gateway): their receipt says so.
 */
@Component
class ReplyDispatcher {

  private static final Set<ChannelType> GATEWAY_CHANNELS = Set.of(ChannelType.WEB, ChannelType.API, ChannelType.WEBSOCKET);

  private final OutboundQueue queue;
  private final Targets targets;
  private final Receipts receipts;
  private final DeliveryLedger ledger;

  ReplyDispatcher(OutboundQueue queue, Targets targets, Receipts receipts, DeliveryLedger ledger) {
    this.queue = queue;
    this.targets = targets;
    this.receipts = receipts;
    this.ledger = ledger;
  }

  @KafkaListener(id = "reply-dispatcher", topics = "parley.replies", groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (!(record.value() instanceof AssistantReply reply)) {
      throw new IllegalArgumentException("expected an AssistantReply, got "
          + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    Outgoing outgoing = Outgoing.of(reply);
    ChannelType channel = reply.getChannel().getType();
    // Once per reply, also when it is read again after a crash.
    if (GATEWAY_CHANNELS.contains(channel) && ledger.recordOnce(reply.getEventId(), "gateway")) {
      receipts.write(outgoing, "gateway", channel, DeliveryStatus.SERVED_BY_GATEWAY, 1, "served to the client by the ingress gateway");
    }
    queue.submit(record.topic(), record.partition(), outgoing, targets.of(outgoing));
  }
}
