package dev.parley.context.conversation;

import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationState;
import dev.parley.events.EnrichedTurn;
import java.util.List;

/**
 * The conversation processor's output: the new state (null when nothing changed), for a turn the
 * enriched turn to answer, for a refused command the error, for an agent's message the reply that
 * carries it to the customer, and what happened to the conversation (started, escalated, ...).
 */
record ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error,
    AssistantReply agentReply, List<ConversationEvent> events) {

  ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error) {
    this(state, enrichedTurn, error, null, List.of());
  }

  ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error, AssistantReply agentReply) {
    this(state, enrichedTurn, error, agentReply, List.of());
  }

  static ConversationUpdate changed(ConversationState state) {
    return new ConversationUpdate(state, null, null, null);
  }

  static ConversationUpdate refused(ConversationError error) {
    return new ConversationUpdate(null, null, error, null);
  }

  ConversationUpdate withEvents(List<ConversationEvent> events) {
    return new ConversationUpdate(state, enrichedTurn, error, agentReply, events);
  }
}
