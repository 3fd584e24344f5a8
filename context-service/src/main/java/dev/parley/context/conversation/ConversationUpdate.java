package dev.parley.context.conversation;

import dev.parley.events.ConversationState;
import dev.parley.events.EnrichedTurn;

/** The conversation processor's output: the new state and, for a turn, the enriched turn to answer. */
record ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn) {
}
