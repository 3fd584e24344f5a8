package dev.parley.delivery.channel;

import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertState;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.DeliveredKind;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import dev.parley.schemas.WebhookEvents;
import org.apache.avro.specific.SpecificRecord;

/**
 * Something to send out, as every target sees it: a reply (to the customer's channel and to
 * webhooks), a conversation event or an alert (to webhooks). {@code source} is the topic it was read from,
 * so a dead-lettered one can be decoded again for re-drive.
 */
public record Outgoing(String id, String tenantId, String conversationId, DeliveredKind kind, String webhookType,
    Topic<? extends SpecificRecord> source, SpecificRecord event) {

  /** An alert has no conversation: its rule stands in for one ("alert:errors"), so one rule's alerts go out in order. */
  public static final String ALERTS_PREFIX = "alert:";

  public static Outgoing of(AssistantReply reply) {
    return new Outgoing(reply.getEventId(), reply.getTenantId(), reply.getConversationId(), DeliveredKind.REPLY,
        WebhookEvents.REPLY, Topics.REPLIES, reply);
  }

  public static Outgoing of(ConversationEvent event) {
    return new Outgoing(event.getEventId(), event.getTenantId(), event.getConversationId(), DeliveredKind.CONVERSATION_EVENT,
        WebhookEvents.of(event.getType()), Topics.CONVERSATION_EVENTS, event);
  }

  /** An alert rule starting or stopping to fire: to the tenant's webhooks, ordered per rule. */
  public static Outgoing of(Alert alert) {
    return new Outgoing(alert.getEventId(), alert.getTenantId(), ALERTS_PREFIX + alert.getRule().getName(), DeliveredKind.ALERT,
        alert.getState() == AlertState.FIRING ? WebhookEvents.ALERT_FIRING : WebhookEvents.ALERT_RESOLVED, Topics.ALERTS, alert);
  }

  /** Decodes what a dead letter kept, whichever topic it came from. */
  public static Outgoing of(SpecificRecord event) {
    if (event instanceof AssistantReply reply) {
      return of(reply);
    }
    if (event instanceof ConversationEvent conversationEvent) {
      return of(conversationEvent);
    }
    if (event instanceof Alert alert) {
      return of(alert);
    }
    throw new IllegalArgumentException("nothing is delivered for " + event.getClass().getSimpleName());
  }

  /** The Kafka key of the conversation. */
  public String key() {
    return Keys.of(tenantId, conversationId);
  }
}
