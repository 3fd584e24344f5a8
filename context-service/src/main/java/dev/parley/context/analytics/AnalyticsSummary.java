package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.events.SalesStage;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a window (or windows added up) says, as the analytics APIs answer it: the counts with their
 * derived figures (percentiles from the sketches, means, rates), no sketch bytes. Built from
 * {@link AnalyticsCounts} by {@link #of}; several windows are added up with {@link Counts#add}
 * first, so a percentile over a day is that of all its replies, never an average of averages.
 */
public record AnalyticsSummary(
    long turns,
    long conversationsStarted,
    long uniqueCustomers,
    Map<String, Long> messagesIn,
    Map<String, Long> messagesOut,
    Map<String, Long> messagesOutByChannel,
    Map<String, IntentSummary> intents,
    Double meanIntentConfidence,
    Map<String, Long> sentiment,
    long frustrationIncidents,
    Latency replyMs,
    Latency firstChunkMs,
    long fallbacks,
    long clarificationRequests,
    Map<String, ModelSummary> models,
    long inputTokens,
    long outputTokens,
    double costUsd,
    Map<String, ToolSummary> tools,
    long escalations,
    Latency timeToPersonMs,
    Map<String, Long> leadsReached,
    long newHotLeads,
    Map<String, Long> funnel,
    Map<String, Long> feedbackRatings,
    Double meanFeedbackRating,
    Map<String, Map<String, Long>> deliveries) {

  /** Turns of one intent and the classifier's mean confidence on them. */
  public record IntentSummary(long count, double meanConfidence) {
  }

  /** Percentiles in milliseconds of the values a histogram holds; null fields when it holds none. */
  public record Latency(long count, Long p50, Long p95, Long p99, Long max) {

    static Latency of(ByteBuffer histogram) {
      byte[] bytes = Counts.bytes(histogram);
      if (bytes == null) {
        return new Latency(0, null, null, null, null);
      }
      var decoded = Sketches.decode(bytes);
      return new Latency(decoded.getTotalCount(), decoded.getValueAtPercentile(50), decoded.getValueAtPercentile(95),
          decoded.getValueAtPercentile(99), decoded.getMaxValue());
    }
  }

  /** What one model wrote and spent. */
  public record ModelSummary(long replies, long inputTokens, long outputTokens, double costUsd) {
  }

  /** Calls of one tool: how many worked (rate 0 to 1), failures by kind, latency. */
  public record ToolSummary(long calls, long successes, double successRate, Map<String, Long> errors, Latency latencyMs) {
  }

  public static AnalyticsSummary of(AnalyticsCounts counts) {
    Map<String, IntentSummary> intents = new TreeMap<>();
    long intentTurns = 0;
    double confidence = 0;
    for (var intent : counts.getIntents().entrySet()) {
      long count = intent.getValue().getCount();
      intents.put(intent.getKey(), new IntentSummary(count, count == 0 ? 0 : intent.getValue().getConfidenceSum() / count));
      intentTurns += count;
      confidence += intent.getValue().getConfidenceSum();
    }
    Map<String, ModelSummary> models = new TreeMap<>();
    long input = 0;
    long output = 0;
    double cost = 0;
    for (var model : counts.getModels().entrySet()) {
      var spent = model.getValue();
      models.put(model.getKey(), new ModelSummary(spent.getReplies(), spent.getInputTokens(), spent.getOutputTokens(), spent.getCostUsd()));
      input += spent.getInputTokens();
      output += spent.getOutputTokens();
      cost += spent.getCostUsd();
    }
    Map<String, ToolSummary> tools = new TreeMap<>();
    counts.getTools().forEach((name, calls) -> tools.put(name, new ToolSummary(calls.getCalls(), calls.getSuccesses(),
        calls.getCalls() == 0 ? 0 : (double) calls.getSuccesses() / calls.getCalls(), new TreeMap<>(calls.getErrors()),
        Latency.of(calls.getLatency()))));
    long ratings = 0;
    long ratingSum = 0;
    for (var rating : counts.getFeedbackRatings().entrySet()) {
      ratings += rating.getValue();
      ratingSum += Long.parseLong(rating.getKey()) * rating.getValue();
    }
    Map<String, Map<String, Long>> deliveries = new TreeMap<>();
    counts.getDeliveries().forEach((channel, byStatus) -> deliveries.put(channel, new TreeMap<>(byStatus)));
    return new AnalyticsSummary(
        counts.getTurns(),
        counts.getConversationsStarted(),
        Counts.distinctCustomers(counts),
        new TreeMap<>(counts.getMessagesIn()),
        new TreeMap<>(counts.getMessagesOut()),
        new TreeMap<>(counts.getMessagesOutByChannel()),
        intents,
        intentTurns == 0 ? null : confidence / intentTurns,
        new TreeMap<>(counts.getSentiment()),
        counts.getFrustrationIncidents(),
        Latency.of(counts.getReplyLatency()),
        Latency.of(counts.getFirstChunkLatency()),
        counts.getFallbacks(),
        counts.getClarificationRequests(),
        models,
        input,
        output,
        cost,
        tools,
        counts.getEscalations(),
        Latency.of(counts.getTimeToPerson()),
        new TreeMap<>(counts.getLeadsReached()),
        counts.getLeadsReached().getOrDefault("HOT", 0L),
        funnel(counts.getStagesReached()),
        new TreeMap<>(counts.getFeedbackRatings()),
        ratings == 0 ? null : (double) ratingSum / ratings,
        deliveries);
  }

  /** Conversations reaching each sales stage, in the order of the sale (stages nobody reached as 0). */
  private static Map<String, Long> funnel(Map<String, Long> reached) {
    Map<String, Long> funnel = new LinkedHashMap<>();
    for (SalesStage stage : SalesStage.values()) {
      funnel.put(stage.name(), reached.getOrDefault(stage.name(), 0L));
    }
    reached.forEach((stage, count) -> funnel.putIfAbsent(stage, count)); // a stage this build does not know
    return funnel;
  }
}
