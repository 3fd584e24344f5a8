package dev.parley.delivery.channel;

import dev.parley.delivery.channel.webhook.TenantWebhooks;
import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
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
 * Consumes replies and delivers each where it must go: WhatsApp replies through the provider,
 * and every reply to the webhooks of its tenant that subscribed to replies. Web, API and WebSocket replies need no
 * outbound call (clients get them from the ingress gateway): their receipt says so.
 */
@Component
class ReplyDispatcher {

  private static final Set<ChannelType> GATEWAY_CHANNELS = Set.of(ChannelType.WEB, ChannelType.API, ChannelType.WEBSOCKET);

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final OutboundDelivery delivery;
  private final Outbound whatsApp;
  private final TenantWebhooks webhooks;

  ReplyDispatcher(KafkaTemplate<String, SpecificRecord> kafka, OutboundDelivery delivery, Outbound whatsApp,
      TenantWebhooks webhooks) {
    this.kafka = kafka;
    this.delivery = delivery;
    this.whatsApp = whatsApp;
    this.webhooks = webhooks;
  }

  @KafkaListener(id = "reply-dispatcher", topics = "parley.replies", groupId = "parley-delivery")
  void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (!(record.value() instanceof AssistantReply reply)) {
      throw new IllegalArgumentException("expected an AssistantReply, got "
          + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    deliver(reply);
  }

  /** Delivers a reply to its channel and the tenant's webhooks. */
  void deliver(AssistantReply reply) {
    ChannelType channel = reply.getChannel().getType();
    Outgoing outgoing = Outgoing.of(reply);
    if (channel == ChannelType.WHATSAPP) {
      delivery.deliver(outgoing, whatsApp, channel);
    } else if (GATEWAY_CHANNELS.contains(channel)) {
      kafka.send(Topics.DELIVERY_RECEIPTS.name(), Keys.of(reply.getTenantId(), reply.getConversationId()), DeliveryReceipt.newBuilder()
          .setEventId(Keys.derivedId("receipt", reply.getEventId(), "gateway", "1"))
          .setTenantId(reply.getTenantId())
          .setConversationId(reply.getConversationId())
          .setReplyId(reply.getEventId())
          .setKind(dev.parley.events.DeliveredKind.REPLY)
          .setChannel(channel)
          .setStatus(DeliveryStatus.SERVED_BY_GATEWAY)
          .setAttempt(1)
          .setDetail("served to the client by the ingress gateway")
          .setCreatedAt(Instant.now())
          .build()).join();
    }
    for (WebhookChannel webhook : webhooks.subscribedTo(outgoing)) {
      delivery.deliver(outgoing, webhook, ChannelType.WEBHOOK);
    }
  }
}
