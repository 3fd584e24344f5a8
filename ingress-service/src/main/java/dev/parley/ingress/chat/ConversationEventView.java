package dev.parley.ingress.chat;

import dev.parley.events.ConversationEvent;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What a follower of a conversation (SSE {@code conversation} events, WebSocket
 * {@code conversation_event}) sees of what happened to it: escalated, handed back, closed, a
 * message for the person who has it. Not who asked or why: escalation reasons are staff notes.
 *
 * @param type       escalated, handed_back, closed, stage_changed, feedback_received, message_for_agent, started
 * @param status     the conversation's status or stage after the event, when it changed
 * @param messageIds for message_for_agent: the customer's messages the person should answer
 * @param text       for message_for_agent: what the customer wrote
 */
record ConversationEventView(String eventId, String conversationId, String type, String status, List<String> messageIds,
    String text, Instant at) {

  static ConversationEventView of(ConversationEvent event) {
    return new ConversationEventView(event.getEventId(), event.getConversationId(),
        event.getType().name().toLowerCase(Locale.ROOT), event.getTo(), event.getMessageIds(), event.getText(), event.getCreatedAt());
  }
}
