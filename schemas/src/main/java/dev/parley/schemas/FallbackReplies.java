package dev.parley.schemas;

import dev.parley.events.AssistantReply;
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
    return AssistantReply.newBuilder()
        .setEventId(replyId)
        .setTenantId(turn.getTenantId())
        .setConversationId(turn.getConversationId())
        .setTurnId(turn.getEventId())
        .setMessageIds(turn.getTurn().getMessageIds())
        .setChannel(turn.getTurn().getChannel())
        .setText(TEXT)
        .setStatus(ReplyStatus.FALLBACK)
        .setIntent(turn.getIntent())
        .setSuggestedActions(List.of(CONNECT_SALES_PERSON))
        .setModel(model)
        .setUsage(new TokenUsage(0, 0, false, 0.0))
        .setProcessingTimeMs(Math.max(0, now.toEpochMilli() - turn.getTurn().getFirstReceivedAt().toEpochMilli()))
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
