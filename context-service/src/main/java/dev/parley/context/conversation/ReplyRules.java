package dev.parley.context.conversation;

import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationMessage;
import dev.parley.events.ConversationState;
import dev.parley.events.Role;
import java.time.Instant;


/**
 * A reply folded into its conversation, idempotently: a reply whose id is already among the
 * recent messages is a redelivery and changes nothing; one to a conversation never seen has
 * nothing to fold into.
 */
final class ReplyRules {

  private final RecentMessages recent;

  ReplyRules(RecentMessages recent) {
    this.recent = recent;
  }

  ConversationUpdate onReply(ConversationState state, AssistantReply reply, Instant now) {
    if (state == null) {
      return null; // a reply to a conversation this store never saw: nothing to fold it into
    }
    boolean known = state.getRecentMessages().stream().anyMatch(m -> m.getEventId().equals(reply.getEventId()));
    if (known) {
      return null;
    }
    ConversationState next = ConversationState.newBuilder(state)
        .setRecentMessages(recent.append(state.getRecentMessages(),
            new ConversationMessage(reply.getEventId(), Role.ASSISTANT, reply.getText(), reply.getCreatedAt())))
        .setReplyCount(state.getReplyCount() + 1)
        .setUpdatedAt(now)
        .build();
    return ConversationUpdate.changed(next);
  }

}
