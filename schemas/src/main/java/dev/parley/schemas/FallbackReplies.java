package dev.parley.schemas;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.Intent;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyFailure;
import dev.parley.events.ReplyStatus;
import dev.parley.events.TokenUsage;
import java.time.Instant;
import java.util.List;

/**
 * What a customer gets when their accepted message cannot be answered (the model, the database, a
 * tool or a bug failed, or no answer came in time): a polite reply saying a person will follow up,
 * and a {@link ReplyFailure} saying why. Written once here because two services send it:
 * llm-service when answering fails, and context-service's reply watchdog when no answer comes.
 */
public final class FallbackReplies {

  public static final String TEXT = "Sorry, I can't answer that right now. A sales person will get back to you shortly.";
  public static final String CONNECT_SALES_PERSON = "connect_sales_person";

  private FallbackReplies() {
  }

  /** The fallback reply to a turn, under the turn's reply id. */
  public static AssistantReply reply(EnrichedTurn turn, String replyId, ModelInfo model, Instant now) {
    return reply(turn.getTenantId(), turn.getConversationId(), turn.getEventId(), turn.getTurn().getMessageIds(),
        turn.getTurn().getChannel(), turn.getIntent(), replyId, model, turn.getTurn().getFirstReceivedAt(), now);
  }

  /** The fallback reply to messages that never became an enriched turn (their processing failed). */
  public static AssistantReply reply(String tenantId, String conversationId, String turnId, List<String> messageIds,
      ChannelInfo channel, Intent intent, String replyId, ModelInfo model, Instant received, Instant now) {
    return AssistantReply.newBuilder()
        .setEventId(replyId)
        .setTenantId(tenantId)
        .setConversationId(conversationId)
        .setTurnId(turnId)
        .setMessageIds(messageIds)
        .setChannel(channel)
        .setText(TEXT)
        .setStatus(ReplyStatus.FALLBACK)
        .setIntent(intent != null ? intent : new Intent("other", 0.0))
        .setSuggestedActions(List.of(CONNECT_SALES_PERSON))
        .setModel(model)
        .setUsage(new TokenUsage(0, 0, false, 0.0))
        .setProcessingTimeMs(Math.max(0, now.toEpochMilli() - received.toEpochMilli()))
        .setCreatedAt(now)
        .build();
  }

  /** Why a turn got the fallback: the cause's type and message only, never the customer's text. */
  public static ReplyFailure failure(EnrichedTurn turn, String replyId, Throwable cause, int attempts, boolean circuitOpen,
      String model, Instant now) {
    return ReplyFailure.newBuilder()
        .setEventId(Keys.derivedId("reply-failure", replyId))
        .setTenantId(turn.getTenantId())
        .setConversationId(turn.getConversationId())
        .setTurnId(turn.getEventId())
        .setReplyId(replyId)
        .setCause(cause.getClass().getName() + ": " + cause.getMessage())
        .setAttempts(attempts)
        .setCircuitOpen(circuitOpen)
        .setModel(model)
        .setCreatedAt(now)
        .build();
  }
}
