package dev.parley.context.conversation;

import dev.parley.events.AssistantReply;
import dev.parley.events.CommandOutcome;
import dev.parley.events.CommandResult;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationState;
import dev.parley.events.EnrichedTurn;
import dev.parley.schemas.Keys;
import java.time.Instant;
import java.util.List;

/**
 * The conversation processor's output: the new state (null when nothing changed), for a turn the
 * enriched turn to answer, for a refused command or turn the error, for an agent's message the
 * reply that carries it to the customer, for a command its outcome, and what happened to the
 * conversation (started, escalated, a message for the agent, ...).
 */
record ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error,
    AssistantReply agentReply, CommandOutcome outcome, List<ConversationEvent> events) {

  ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error) {
    this(state, enrichedTurn, error, null, null, List.of());
  }

  ConversationUpdate(ConversationState state, EnrichedTurn enrichedTurn, ConversationError error, AssistantReply agentReply) {
    this(state, enrichedTurn, error, agentReply, null, List.of());
  }

  static ConversationUpdate changed(ConversationState state) {
    return new ConversationUpdate(state, null, null, null);
  }

  static ConversationUpdate refused(ConversationError error) {
    return new ConversationUpdate(null, null, error, null);
  }

  ConversationUpdate withEvents(List<ConversationEvent> events) {
    return new ConversationUpdate(state, enrichedTurn, error, agentReply, outcome, List.copyOf(events));
  }

  /** The verdict on the command this update answers: refused when it carries an error, applied otherwise. */
  ConversationUpdate withOutcomeOf(ConversationCommand command, Instant now) {
    CommandOutcome.Builder verdict = CommandOutcome.newBuilder()
        .setEventId(Keys.derivedId("command-outcome", command.getEventId()))
        .setTenantId(command.getTenantId())
        .setConversationId(command.getConversationId())
        .setCommandId(command.getEventId())
        .setCreatedAt(now);
    if (error != null) {
      verdict.setVerdict(CommandResult.REFUSED).setCode(error.getCode()).setMessage(error.getMessage())
          .setAllowed(error.getAllowed());
    } else {
      verdict.setVerdict(CommandResult.APPLIED).setReplyId(agentReply == null ? null : agentReply.getEventId());
    }
    return new ConversationUpdate(state, enrichedTurn, error, agentReply, verdict.build(), events);
  }
}
