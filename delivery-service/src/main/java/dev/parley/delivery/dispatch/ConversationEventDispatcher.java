package dev.parley.delivery.dispatch;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.Targets;
import dev.parley.delivery.queue.OutboundQueue;
import dev.parley.events.ConversationEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes conversation events (started, escalated, handed back, closed, stage changed, feedback)
 * and queues each for the webhooks of its tenant that subscribed to it, with the same ledger,
 * retries and dead letters as replies.
 */
@Component
class ConversationEventDispatcher {

  private final OutboundQueue queue;
  private final Targets targets;

  ConversationEventDispatcher(OutboundQueue queue, Targets targets) {
    this.queue = queue;
    this.targets = targets;
  }

  @KafkaListener(id = "conversation-event-dispatcher", topics = "parley.conversation-events", groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (!(record.value() instanceof ConversationEvent event)) {
      throw new IllegalArgumentException("expected a ConversationEvent, got "
          + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    Outgoing outgoing = Outgoing.of(event);
    queue.submit(record.topic(), record.partition(), outgoing, targets.of(outgoing));
  }
}
