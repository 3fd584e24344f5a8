package dev.parley.delivery.channel;

import dev.parley.delivery.channel.webhook.TenantWebhooks;
import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes conversation events (started, escalated, handed back, closed, stage changed, feedback)
 * and delivers each to the webhooks of its tenant that subscribed to it, with the same ledger,
 * retries and dead letters as replies.
 */
@Component
class ConversationEventDispatcher {

  private final OutboundDelivery delivery;
  private final TenantWebhooks webhooks;

  ConversationEventDispatcher(OutboundDelivery delivery, TenantWebhooks webhooks) {
    this.delivery = delivery;
    this.webhooks = webhooks;
  }

  @KafkaListener(id = "conversation-event-dispatcher", topics = "parley.conversation-events", groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (!(record.value() instanceof ConversationEvent event)) {
      throw new IllegalArgumentException("expected a ConversationEvent, got "
          + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    Outgoing outgoing = Outgoing.of(event);
    for (WebhookChannel webhook : webhooks.subscribedTo(outgoing)) {
      delivery.deliver(outgoing, webhook, ChannelType.WEBHOOK);
    }
  }
}
