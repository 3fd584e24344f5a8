package dev.parley.context.conversation;

import dev.parley.events.ConversationError;
import dev.parley.events.ConversationState;
import dev.parley.events.EnrichedTurn;

/**
 * The conversation processor's output: the new state (null when nothing changed), for a turn the
 * enriched turn to answer, for a refused command the error.
 */
record ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error) {

  static ConversationUpdate changed(ConversationState state) {
    return new ConversationUpdate(state, null, null);
  }

  static ConversationUpdate refused(ConversationError error) {
    return new ConversationUpdate(null, null, error);
  }
}
