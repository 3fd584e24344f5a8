package dev.parley.context.conversation;

import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationCommand;
import dev.parley.events.CustomerContext;
import dev.parley.events.DealContext;
import dev.parley.events.UserTurn;
import dev.parley.reference.MlInsight;

/**
 * What changes a conversation. Both kinds are merged into one stream so that a single processor,
 * the only writer of the conversation store, sees every change of a conversation in order.
 * Never serialized: values only pass between processors of one sub-topology.
 */
sealed interface ConversationInput {

  /**
   * A customer turn, joined with its CRM and ML context (any may be null). The phone stays out of
   * the customer context, which travels to the model; it only goes into conversation state.
   */
  record Turn(UserTurn turn, CustomerContext customer, String phone, DealContext deal, MlInsight insight)
      implements ConversationInput {
    Turn withDeal(DealContext deal) {
      return new Turn(turn, customer, phone, deal, insight);
    }

    Turn withInsight(MlInsight insight) {
      return new Turn(turn, customer, phone, deal, insight);
    }
  }

  /** The assistant's reply to an earlier turn. */
  record Reply(AssistantReply reply) implements ConversationInput {
  }

  /** A requested change, to validate and apply. */
  record Command(ConversationCommand command) implements ConversationInput {
  }
}
