package dev.parley.context.query;

import dev.parley.events.ConversationState;
import java.time.Instant;
import java.util.List;

/** A conversation as the query API shows it. */
public record ConversationView(
    String conversationId,
    String tenantId,
    String userId,
    String customerId,
    String customerName,
    String dealId,
    String status,
    String stage,
    String lastIntent,
    String language,
    String leadTemperature,
    int frustration,
    int objectionCount,
    List<String> intentsSeen,
    java.util.Map<String, String> entitiesSeen,
    Escalation escalation,
    Double averageRating,
    int feedbackCount,
    int turnCount,
    int replyCount,
    Instant createdAt,
    Instant updatedAt,
    List<Message> messages) {

  /** The open or last escalation. */
  public record Escalation(String ticketId, String reason, String priority, String category, String department,
      Instant at) {
  }

  /** One message of the conversation. */
  public record Message(String eventId, String role, String text, Instant at) {
  }

  static ConversationView of(ConversationState state, boolean withMessages, String leadTemperature) {
    return new ConversationView(
        state.getConversationId(),
        state.getTenantId(),
        state.getUserId(),
        state.getCustomerId(),
        state.getCustomerName(),
        state.getDealId(),
        state.getStatus().name(),
        state.getStage().name(),
        state.getLastIntent() == null ? null : state.getLastIntent().getName(),
        state.getLanguage(),
        leadTemperature,
        state.getFrustration(),
        state.getObjectionCount(),
        state.getIntentsSeen(),
        state.getEntitiesSeen(),
        state.getEscalation() == null ? null : new Escalation(state.getEscalation().getTicketId(),
            state.getEscalation().getReason(), state.getEscalation().getPriority(), state.getEscalation().getCategory(),
            state.getEscalation().getDepartment(), state.getEscalation().getAt()),
        state.getFeedback().isEmpty() ? null
            : state.getFeedback().stream().mapToInt(f -> f.getRating()).average().orElse(0),
        state.getFeedback().size(),
        state.getTurnCount(),
        state.getReplyCount(),
        state.getCreatedAt(),
        state.getUpdatedAt(),
        withMessages ? state.getRecentMessages().stream()
            .map(m -> new Message(m.getEventId(), m.getRole().name(), m.getText(), m.getAt())).toList() : null);
  }
}
