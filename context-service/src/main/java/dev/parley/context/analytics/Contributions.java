package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.IntentStats;
import dev.parley.analytics.ModelUsageStats;
import dev.parley.analytics.ToolStats;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.DeliveredKind;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.ReplyStatus;
import dev.parley.events.ToolCallAudit;
import dev.parley.events.UserTurn;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one record of a topic adds to its tenant's analytics: each is the {@link AnalyticsCounts}
 * of that record alone, so a window is their sum ({@link Counts#add}). Null for a record that
 * counts for nothing.
 */
final class Contributions {

  /** Sentiment scores run from -1 to 1; within ±0.2 is neutral. */
  static final double SENTIMENT_BAND = 0.2;
  /** A turn at this frustration level or above is a frustration incident. */
  static final int FRUSTRATED = 2;

  private Contributions() {
  }

  /** A turn: the customers' messages by channel, the turn, the customer. */
  static AnalyticsCounts of(UserTurn turn) {
    String customer = turn.getCustomerId() != null ? turn.getCustomerId() : turn.getUserId();
    return AnalyticsCounts.newBuilder(Counts.empty(turn.getTenantId()))
        .setMessagesIn(Map.of(turn.getChannel().getType().name(), (long) turn.getMessageIds().size()))
        .setTurns(1)
        .setNewCustomerHashes(List.of(Sketches.customerHash(turn.getTenantId(), customer)))
        .build();
  }

  /** An analysed turn: its intent, sentiment and frustration. */
  static AnalyticsCounts of(EnrichedTurn turn) {
    AnalyticsCounts.Builder counts = AnalyticsCounts.newBuilder(Counts.empty(turn.getTenantId()))
        .setIntents(Map.of(turn.getIntent().getName(), new IntentStats(1L, turn.getIntent().getConfidence())));
    if (turn.getAnalysis() != null) {
      double score = turn.getAnalysis().getSentiment();
      counts.setSentiment(Map.of(score < -SENTIMENT_BAND ? "negative" : score > SENTIMENT_BAND ? "positive" : "neutral", 1L));
      counts.setFrustrationIncidents(turn.getAnalysis().getFrustration() >= FRUSTRATED ? 1 : 0);
    }
    return counts.build();
  }

  /** A reply: a message out by author and channel; the assistant's with its latency, tokens and cost. */
  static AnalyticsCounts of(AssistantReply reply) {
    boolean assistant = reply.getAuthor() != ReplyAuthor.AGENT;
    AnalyticsCounts.Builder counts = AnalyticsCounts.newBuilder(Counts.empty(reply.getTenantId()))
        .setMessagesOut(Map.of(reply.getAuthor().name().toLowerCase(Locale.ROOT), 1L))
        .setMessagesOutByChannel(Map.of(reply.getChannel().getType().name(), 1L));
    if (assistant) {
      counts.setReplyLatency(Counts.buffer(Sketches.latency(reply.getProcessingTimeMs())))
          .setFirstChunkLatency(reply.getFirstChunkMs() == null ? null : Counts.buffer(Sketches.latency(reply.getFirstChunkMs())))
          .setClarificationRequests(reply.getClarificationRequested() ? 1 : 0)
          .setFallbacks(reply.getStatus() == ReplyStatus.FALLBACK ? 1 : 0)
          .setModels(Map.of(reply.getModel().getName(), new ModelUsageStats(1L, (long) reply.getUsage().getInputTokens(),
              (long) reply.getUsage().getOutputTokens(), reply.getUsage().getCostUsd())));
    }
    return counts.build();
  }

  /** What happened to a conversation: started, escalated, a stage reached, feedback. */
  static AnalyticsCounts of(ConversationEvent event) {
    AnalyticsCounts.Builder counts = AnalyticsCounts.newBuilder(Counts.empty(event.getTenantId()));
    switch (event.getType()) {
      case STARTED -> counts.setConversationsStarted(1);
      case ESCALATED -> counts.setEscalations(1);
      case STAGE_CHANGED -> counts.setStagesReached(Map.of(event.getTo() == null ? "unknown" : event.getTo(), 1L));
      case FEEDBACK_RECEIVED -> counts.setFeedbackRatings(Map.of(Integer.toString(event.getFeedback().getRating()), 1L));
      default -> {
        return null;
      }
    }
    return counts.build();
  }

  /** A tool call: by tool, whether it worked, its error's kind and its latency. */
  static AnalyticsCounts of(ToolCallAudit call) {
    boolean ok = "OK".equals(call.getStatus());
    Map<String, Long> errors = ok ? Map.of() : Map.of(errorKind(call.getError()), 1L);
    return AnalyticsCounts.newBuilder(Counts.empty(call.getTenantId()))
        .setTools(Map.of(call.getTool(), new ToolStats(1L, ok ? 1L : 0L, errors,
            Counts.buffer(Sketches.latency(call.getLatencyMs())))))
        .build();
  }

  /**
   * A delivery receipt: by channel and status. An alert's delivery counts for nothing: it is not a
   * customer's, and a tenant's broken webhook would otherwise keep its own delivery-failure alert firing.
   */
  static AnalyticsCounts of(DeliveryReceipt receipt) {
    if (receipt.getKind() == DeliveredKind.ALERT) {
      return null;
    }
    return AnalyticsCounts.newBuilder(Counts.empty(receipt.getTenantId()))
        .setDeliveries(Map.of(receipt.getChannel().name(), Map.of(receipt.getStatus().name(), 1L)))
        .build();
  }

  /** An error's kind: its first word ("unknown tool x" → "unknown", "IllegalStateException: ..." → "IllegalStateException"). */
  static String errorKind(String error) {
    if (error == null || error.isBlank()) {
      return "error";
    }
    String first = error.strip().split("[\\s:]", 2)[0];
    return first.length() > 64 ? first.substring(0, 64) : first;
  }
}
