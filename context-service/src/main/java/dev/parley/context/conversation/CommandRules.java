package dev.parley.context.conversation;

import dev.parley.events.AssistantReply;
import dev.parley.events.AgentMessage;
import dev.parley.events.ChangeStage;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ModelInfo;
import dev.parley.events.TokenUsage;
import dev.parley.events.Escalate;
import dev.parley.events.EscalationInfo;
import dev.parley.events.FeedbackInfo;
import dev.parley.events.RecordFeedback;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationError;
import dev.parley.events.SetCustomerName;
import dev.parley.schemas.Keys;
import dev.parley.events.ConversationMessage;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.Intent;
import dev.parley.events.Role;
import java.time.Instant;
import java.util.List;


/**
 * A command applied to its conversation if the conversation and its state machine allow it, or
 * refused with a ConversationError saying why: stage moves only as {@link SalesStages} allows, a
 * closed conversation is never reopened or escalated, agents write only in escalated
 * conversations (and on WhatsApp free text only within 24 hours of the customer's last message),
 * and a command seen before changes nothing.
 */
final class CommandRules {

  private static final java.time.Duration WHATSAPP_WINDOW = java.time.Duration.ofHours(24);

  private final RecentMessages recent;

  CommandRules(RecentMessages recent) {
    this.recent = recent;
  }

  /** Applies a command if the conversation and the state machine allow it; otherwise an error event says why. */
  ConversationUpdate onCommand(ConversationState state, ConversationCommand command, Instant now) {
    if (state == null) {
      return refuse(command, "UNKNOWN_CONVERSATION", "no such conversation", now);
    }
    if (state.getAppliedCommands().contains(command.getEventId())) {
      // Sent again (a retried tool call, a redelivered command): applied already, so nothing
      // changes; the sender still gets its verdict.
      return new ConversationUpdate(null, null, null, null);
    }
    ConversationUpdate applied = apply(state, command, now);
    if (applied.state() != null) {
      applied.state().setAppliedCommands(RecentMessages.appendBounded(state.getAppliedCommands(), command.getEventId(), 50));
    }
    return applied;
  }

  private ConversationUpdate apply(ConversationState state, ConversationCommand command, Instant now) {
    ConversationState.Builder next = ConversationState.newBuilder(state).setUpdatedAt(now);
    Object change = command.getChange();
    if (change instanceof ChangeStage stage) {
      if (!SalesStages.allows(state.getStage(), stage.getStage())) {
        List<String> allowed = SalesStages.next(state.getStage()).stream().map(to -> to.name().toLowerCase(java.util.Locale.ROOT))
            .sorted().toList();
        ConversationUpdate refused = refuse(command, "INVALID_STAGE_TRANSITION", "cannot move from "
            + state.getStage().name().toLowerCase(java.util.Locale.ROOT) + " to " + stage.getStage().name().toLowerCase(java.util.Locale.ROOT)
            + (allowed.isEmpty() ? "; it is the last stage" : "; allowed: " + String.join(", ", allowed)), now);
        refused.error().setAllowed(allowed);
        return refused;
      }
      next.setStage(stage.getStage());
    } else if (change instanceof ChangeStatus status) {
      if (state.getStatus() == ConversationStatus.CLOSED && status.getStatus() != ConversationStatus.CLOSED) {
        return refuse(command, "CONVERSATION_CLOSED", "a closed conversation cannot be reopened; start a new one", now);
      }
      next.setStatus(status.getStatus());
    } else if (change instanceof SetCustomerName name) {
      next.setCustomerName(name.getName());
    } else if (change instanceof Escalate escalate) {
      if (state.getStatus() == ConversationStatus.CLOSED) {
        return refuse(command, "CONVERSATION_CLOSED", "a closed conversation cannot be escalated", now);
      }
      next.setStatus(ConversationStatus.ESCALATED).setEscalation(EscalationInfo.newBuilder()
          .setTicketId(escalate.getTicketId())
          .setReason(escalate.getReason())
          .setPriority(escalate.getPriority())
          .setCategory(escalate.getCategory())
          .setDepartment(escalate.getDepartment())
          .setRequestedBy(command.getRequestedBy())
          .setAt(now)
          .build());
    } else if (change instanceof AgentMessage message) {
      if (state.getStatus() != ConversationStatus.ESCALATED) {
        return refuse(command, "NOT_ESCALATED", "agents write only in conversations handed to a person; escalate first", now);
      }
      if (message.getTemplate() == null && whatsAppWindowClosed(state, now)) {
        return refuse(command, "WHATSAPP_WINDOW_CLOSED", "WhatsApp allows free-form messages only within 24 hours of the"
            + " customer's last message; send an approved template", now);
      }
      AssistantReply reply = agentReply(state, command, message, now);
      next.setRecentMessages(recent.append(state.getRecentMessages(),
          new ConversationMessage(reply.getEventId(), Role.AGENT, message.getText(), now)));
      return new ConversationUpdate(next.build(), null, null, reply);
    } else if (change instanceof RecordFeedback feedback) {
      next.setFeedback(RecentMessages.appendBounded(state.getFeedback(), FeedbackInfo.newBuilder()
          .setRating(feedback.getRating())
          .setPositive(feedback.getPositive())
          .setComment(feedback.getComment())
          .setCategories(feedback.getCategories())
          .setAt(now)
          .build(), 20));
    }
    return ConversationUpdate.changed(next.build());
  }

  /**
   * WhatsApp Business lets a business write free text only within 24 hours of the customer's last
   * message; after that only approved templates. The turn's first message time is used, so the
   * window is never taken to be longer than it is.
   */
  static boolean whatsAppWindowClosed(ConversationState state, Instant now) {
    if (state.getChannel() == null || state.getChannel().getType() != dev.parley.events.ChannelType.WHATSAPP) {
      return false;
    }
    Instant last = state.getLastCustomerMessageAt();
    if (last == null) { // state written before the field existed: the newest customer message kept
      last = state.getRecentMessages().stream().filter(m -> m.getRole() == Role.USER)
          .map(ConversationMessage::getAt).max(Instant::compareTo).orElse(null);
    }
    return last == null || last.plus(WHATSAPP_WINDOW).isBefore(now);
  }

  /**
   * An agent's message travels like any reply, so the customer gets it on the conversation's own
   * channel (the gateway for web chats, the provider for WhatsApp) and every reply consumer sees it.
   */
  private static AssistantReply agentReply(ConversationState state, ConversationCommand command, AgentMessage message, Instant now) {
    return AssistantReply.newBuilder()
        .setEventId(Keys.agentReplyId(command.getEventId()))
        .setTenantId(state.getTenantId())
        .setConversationId(state.getConversationId())
        .setTurnId(command.getEventId())
        .setMessageIds(List.of())
        .setChannel(state.getChannel() != null ? state.getChannel() : ChannelInfo.newBuilder().build())
        .setText(message.getText())
        .setIntent(state.getLastIntent() != null ? state.getLastIntent() : new Intent("other", 1.0))
        .setModel(new ModelInfo(message.getAgentId(), "human", false))
        .setAuthor(dev.parley.events.ReplyAuthor.AGENT)
        .setTemplate(message.getTemplate())
        .setMediaUrl(message.getMediaUrl())
        .setUsage(new TokenUsage(0, 0, false, 0.0))
        .setProcessingTimeMs(0)
        .setCreatedAt(now)
        .build();
  }

  private static ConversationUpdate refuse(ConversationCommand command, String code, String message, Instant now) {
    return ConversationUpdate.refused(ConversationError.newBuilder()
        .setEventId(Keys.derivedId("error", command.getEventId()))
        .setTenantId(command.getTenantId())
        .setConversationId(command.getConversationId())
        .setCommandId(command.getEventId())
        .setCode(code)
        .setMessage(message)
        .setCreatedAt(now)
        .build());
  }

}
