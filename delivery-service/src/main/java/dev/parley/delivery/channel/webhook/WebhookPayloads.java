package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.analytics.Alert;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON a webhook receives: a flat object with {@code type}, {@code eventId}, tenant and
 * conversation (an alert has none: its rule, window and figure instead), then what the event says. Field names are the public contract; the Avro records
 * behind them can grow without changing it.
 */
final class WebhookPayloads {

  private WebhookPayloads() {
  }

  static Map<String, Object> of(Outgoing outgoing) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", outgoing.webhookType());
    payload.put("eventId", outgoing.id());
    payload.put("tenantId", outgoing.tenantId());
    if (outgoing.event() instanceof Alert alert) {
      payload.put("state", alert.getState().name().toLowerCase(java.util.Locale.ROOT));
      payload.put("rule", alert.getRule().getName());
      payload.put("metric", alert.getRule().getMetric().name().toLowerCase(java.util.Locale.ROOT));
      payload.put("threshold", alert.getRule().getThreshold());
      payload.put("granularity", alert.getRule().getGranularity().name().toLowerCase(java.util.Locale.ROOT));
      payload.put("value", alert.getValue());
      payload.put("events", alert.getEvents());
      payload.put("windowStart", alert.getWindowStart().toString());
      payload.put("windowEnd", alert.getWindowEnd().toString());
      payload.put("summary", alert.getSummary());
      payload.put("createdAt", alert.getRaisedAt().toString());
      return payload;
    }
    payload.put("conversationId", outgoing.conversationId());
    if (outgoing.event() instanceof AssistantReply reply) {
      payload.put("replyId", reply.getEventId());
      payload.put("messageIds", reply.getMessageIds());
      payload.put("text", reply.getText());
      payload.put("status", reply.getStatus().name());
      payload.put("author", reply.getAuthor().name().toLowerCase(java.util.Locale.ROOT));
      payload.put("intent", reply.getIntent().getName());
      payload.put("channel", reply.getChannel().getType().name());
      payload.put("createdAt", reply.getCreatedAt().toString());
    } else if (outgoing.event() instanceof ConversationEvent event) {
      payload.put("from", event.getFrom());
      payload.put("to", event.getTo());
      payload.put("causeId", event.getCauseId());
      payload.put("requestedBy", event.getRequestedBy());
      payload.put("customerId", event.getCustomerId());
      payload.put("channel", event.getChannel() == null ? null : event.getChannel().getType().name());
      if (event.getEscalation() != null) {
        var escalation = event.getEscalation();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ticketId", escalation.getTicketId());
        details.put("reason", escalation.getReason());
        details.put("priority", escalation.getPriority());
        details.put("category", escalation.getCategory());
        details.put("department", escalation.getDepartment());
        payload.put("escalation", details);
      }
      if (event.getFeedback() != null) {
        var feedback = event.getFeedback();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rating", feedback.getRating());
        details.put("positive", feedback.getPositive());
        details.put("comment", feedback.getComment());
        details.put("categories", feedback.getCategories());
        payload.put("feedback", details);
      }
      if (event.getText() != null) { // a message for the person who has the conversation (a helpdesk shows it)
        payload.put("messageIds", event.getMessageIds());
        payload.put("text", event.getText());
      }
      payload.put("createdAt", event.getCreatedAt().toString());
    }
    return payload;
  }
}
