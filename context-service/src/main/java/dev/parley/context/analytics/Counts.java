package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.IntentStats;
import dev.parley.analytics.ModelUsageStats;
import dev.parley.analytics.ToolStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * {@link AnalyticsCounts} as a monoid: {@link #empty} and {@link #add}. A window's counts are its
 * records' contributions added up; an hour's are its minutes' added up; counts of two instances
 * add up the same way. Every field is a sum, or a sketch whose merge is exact for what it keeps.
 */
public final class Counts {

  private Counts() {
  }

  public static AnalyticsCounts empty(String tenantId) {
    return AnalyticsCounts.newBuilder().setTenantId(tenantId).build();
  }

  public static AnalyticsCounts add(AnalyticsCounts a, AnalyticsCounts b) {
    List<Long> newHashes = new ArrayList<>(a.getNewCustomerHashes());
    newHashes.addAll(b.getNewCustomerHashes());
    return AnalyticsCounts.newBuilder()
        .setTenantId(a.getTenantId().isEmpty() ? b.getTenantId() : a.getTenantId())
        .setMessagesIn(addMaps(a.getMessagesIn(), b.getMessagesIn(), Long::sum))
        .setMessagesOut(addMaps(a.getMessagesOut(), b.getMessagesOut(), Long::sum))
        .setMessagesOutByChannel(addMaps(a.getMessagesOutByChannel(), b.getMessagesOutByChannel(), Long::sum))
        .setTurns(a.getTurns() + b.getTurns())
        .setConversationsStarted(a.getConversationsStarted() + b.getConversationsStarted())
        .setCustomers(buffer(Sketches.addCustomers(bytes(a.getCustomers()), bytes(b.getCustomers()), newHashes)))
        .setNewCustomerHashes(List.of())
        .setIntents(addMaps(a.getIntents(), b.getIntents(),
            (x, y) -> new IntentStats(x.getCount() + y.getCount(), x.getConfidenceSum() + y.getConfidenceSum())))
        .setSentiment(addMaps(a.getSentiment(), b.getSentiment(), Long::sum))
        .setFrustrationIncidents(a.getFrustrationIncidents() + b.getFrustrationIncidents())
        .setReplyLatency(buffer(Sketches.addLatencies(bytes(a.getReplyLatency()), bytes(b.getReplyLatency()))))
        .setFirstChunkLatency(buffer(Sketches.addLatencies(bytes(a.getFirstChunkLatency()), bytes(b.getFirstChunkLatency()))))
        .setClarificationRequests(a.getClarificationRequests() + b.getClarificationRequests())
        .setFallbacks(a.getFallbacks() + b.getFallbacks())
        .setModels(addMaps(a.getModels(), b.getModels(), (x, y) -> new ModelUsageStats(x.getReplies() + y.getReplies(),
            x.getInputTokens() + y.getInputTokens(), x.getOutputTokens() + y.getOutputTokens(), x.getCostUsd() + y.getCostUsd())))
        .setTools(addMaps(a.getTools(), b.getTools(), (x, y) -> new ToolStats(x.getCalls() + y.getCalls(),
            x.getSuccesses() + y.getSuccesses(), addMaps(x.getErrors(), y.getErrors(), Long::sum),
            buffer(Sketches.addLatencies(bytes(x.getLatency()), bytes(y.getLatency()))))))
        .setEscalations(a.getEscalations() + b.getEscalations())
        .setTimeToPerson(buffer(Sketches.addLatencies(bytes(a.getTimeToPerson()), bytes(b.getTimeToPerson()))))
        .setLeadsReached(addMaps(a.getLeadsReached(), b.getLeadsReached(), Long::sum))
        .setStagesReached(addMaps(a.getStagesReached(), b.getStagesReached(), Long::sum))
        .setFeedbackRatings(addMaps(a.getFeedbackRatings(), b.getFeedbackRatings(), Long::sum))
        .setDeliveries(addMaps(a.getDeliveries(), b.getDeliveries(), (x, y) -> addMaps(x, y, Long::sum)))
        .build();
  }

  /** How many distinct customers wrote (an estimate, about 2.4 % off). */
  public static long distinctCustomers(AnalyticsCounts counts) {
    return Sketches.distinctCustomers(bytes(counts.getCustomers()), counts.getNewCustomerHashes());
  }

  /** The reply latency's percentile in milliseconds (0 to 100), or -1 without replies. */
  public static long replyLatencyPercentile(AnalyticsCounts counts, double percentile) {
    return percentile(counts.getReplyLatency(), percentile);
  }

  /** A percentile (0 to 100) of one of the counts' latency histograms, in milliseconds; -1 when it is empty. */
  public static long percentile(ByteBuffer histogram, double percentile) {
    byte[] bytes = bytes(histogram);
    return bytes == null ? -1 : Sketches.decode(bytes).getValueAtPercentile(percentile);
  }

  static <V> Map<String, V> addMaps(Map<String, V> a, Map<String, V> b, BinaryOperator<V> add) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    Map<String, V> sum = new HashMap<>(a);
    b.forEach((key, value) -> sum.merge(key, value, add));
    return sum;
  }

  static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  static ByteBuffer buffer(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }
}
