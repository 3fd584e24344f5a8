package dev.parley.context.conversation;

import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.FeedbackInfo;
import dev.parley.schemas.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to a conversation, read off its state before and after one input. Deriving the
 * events from the two states (rather than from each command) keeps them true whatever caused the
 * change, and the ids derive from the cause, so a re-processed input yields the same events.
 */
final class ConversationEvents {

  private ConversationEvents() {
  }

  /**
   * @param before      the state before (null for a new conversation)
   * @param after       the state after (null when nothing changed)
   * @param causeId     the turn or command that caused the change
   * @param requestedBy who asked, for commands
   */
  static List<ConversationEvent> between(ConversationState before, ConversationState after, String causeId,
      String requestedBy, Instant now) {
    if (after == null) {
      return List.of();
    }
    List<ConversationEvent> events = new ArrayList<>();
    if (before == null) {
      events.add(event(after, ConversationEventType.STARTED, null, after.getStatus().name(), causeId, requestedBy, now).build());
      return events;
    }
    ConversationStatus from = before.getStatus();
    ConversationStatus to = after.getStatus();
    if (from != to) {
      ConversationEventType type = switch (to) {
        case ESCALATED -> ConversationEventType.ESCALATED;
        case CLOSED -> ConversationEventType.CLOSED;
        case ACTIVE -> ConversationEventType.HANDED_BACK;
      };
      ConversationEvent.Builder event = event(after, type, from.name(), to.name(), causeId, requestedBy, now);
      if (type == ConversationEventType.ESCALATED) {
        event.setEscalation(after.getEscalation());
      }
      events.add(event.build());
    }
    if (before.getStage() != after.getStage()) {
      events.add(event(after, ConversationEventType.STAGE_CHANGED, before.getStage().name(), after.getStage().name(),
          causeId, requestedBy, now).build());
    }
    if (after.getFeedback().size() > before.getFeedback().size()) {
      FeedbackInfo latest = after.getFeedback().get(after.getFeedback().size() - 1);
      events.add(event(after, ConversationEventType.FEEDBACK_RECEIVED, null, null, causeId, requestedBy, now)
          .setFeedback(latest).build());
    }
    return events;
  }

  /** The customer wrote while a person has the conversation: the person should answer. */
  static ConversationEvent messageForAgent(ConversationState state, dev.parley.events.UserTurn turn, Instant now) {
    return event(state, ConversationEventType.MESSAGE_FOR_AGENT, null, state.getStatus().name(), turn.getEventId(), null, now)
        .setMessageIds(turn.getMessageIds())
        .setText(turn.getText())
        .build();
  }

  private static ConversationEvent.Builder event(ConversationState state, ConversationEventType type, String from, String to,
      String causeId, String requestedBy, Instant now) {
    return ConversationEvent.newBuilder()
        .setEventId(Keys.derivedId("conversation-event", causeId, type.name()))
        .setTenantId(state.getTenantId())
        .setConversationId(state.getConversationId())
        .setType(type)
        .setFrom(from)
        .setTo(to)
        .setCauseId(causeId)
        .setRequestedBy(requestedBy)
        .setChannel(state.getChannel())
        .setCustomerId(state.getCustomerId())
        .setCreatedAt(now);
  }
}
