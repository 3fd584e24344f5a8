package dev.parley.delivery.dispatch;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.Targets;
import dev.parley.delivery.queue.OutboundQueue;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes what only webhooks receive: conversation events (started, escalated, handed back,
 * closed, stage changed, feedback) and alerts (a tenant's alert rule firing or resolved, from
 * context-service's analytics). Each is queued for the webhooks of its tenant that subscribed to
 * it, with the same ledger, retries and dead letters as replies.
 */
@Component
class WebhookEventDispatcher {

  private final OutboundQueue queue;
  private final Targets targets;

  WebhookEventDispatcher(OutboundQueue queue, Targets targets) {
    this.queue = queue;
    this.targets = targets;
  }

  @KafkaListener(id = "webhook-event-dispatcher", topics = {"parley.conversation-events", "parley.alerts"}, groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("expected a conversation event or an alert, got null");
    }
    Outgoing outgoing = Outgoing.of(record.value()); // refuses a record of another kind
    queue.submit(record.topic(), record.partition(), outgoing, targets.of(outgoing));
  }
}
