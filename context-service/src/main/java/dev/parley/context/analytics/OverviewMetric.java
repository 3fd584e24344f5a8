package dev.parley.context.analytics;

import static dev.parley.context.analytics.AnalyticsReports.figures;
import static dev.parley.context.analytics.AnalyticsReports.share;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The metrics an analytics overview can hold ({@code "metrics": ["conversations", "response_time"]}):
 * each picks its figures from a period's {@link AnalyticsSummary}. Numbers are compared with the
 * previous period; maps (by intent, by tool, ...) are shown as they are.
 */
enum OverviewMetric {
  CONVERSATIONS(s -> figures(
      "started", s.conversationsStarted(),
      "turns", s.turns(),
      "uniqueCustomers", s.uniqueCustomers(),
      "messagesIn", total(s.messagesIn()),
      "messagesOut", total(s.messagesOut()),
      "messagesInByChannel", s.messagesIn(),
      "messagesOutByAuthor", s.messagesOut())),
  RESPONSE_TIME(s -> figures(
      "replies", s.replyMs().count(),
      "p50Ms", s.replyMs().p50(),
      "p95Ms", s.replyMs().p95(),
      "p99Ms", s.replyMs().p99(),
      "firstChunkP50Ms", s.firstChunkMs().p50(),
      "firstChunkP95Ms", s.firstChunkMs().p95(),
      "fallbacks", s.fallbacks(),
      "fallbackRate", share(s.fallbacks(), s.replyMs().count()))),
  INTENTS(s -> figures(
      "meanConfidence", s.meanIntentConfidence(),
      "clarificationRequests", s.clarificationRequests(),
      "clarificationRate", share(s.clarificationRequests(), s.replyMs().count()),
      "byIntent", s.intents())),
  SENTIMENT(s -> figures(
      "positive", s.sentiment().getOrDefault("positive", 0L),
      "neutral", s.sentiment().getOrDefault("neutral", 0L),
      "negative", s.sentiment().getOrDefault("negative", 0L),
      "frustrationIncidents", s.frustrationIncidents())),
  ESCALATIONS(s -> figures(
      "escalations", s.escalations(),
      "escalationRate", share(s.escalations(), s.conversationsStarted()),
      "timeToPersonP50Ms", s.timeToPersonMs().p50(),
      "timeToPersonP95Ms", s.timeToPersonMs().p95())),
  LEADS(s -> figures(
      "newHotLeads", s.newHotLeads(),
      "newWarmLeads", s.leadsReached().getOrDefault("WARM", 0L),
      "newColdLeads", s.leadsReached().getOrDefault("COLD", 0L))),
  FUNNEL(s -> figures(
      "conversationsStarted", s.conversationsStarted(),
      "stages", s.funnel())),
  TOOLS(s -> figures(
      "calls", s.tools().values().stream().mapToLong(AnalyticsSummary.ToolSummary::calls).sum(),
      "successRate", share(s.tools().values().stream().mapToLong(AnalyticsSummary.ToolSummary::successes).sum(),
          s.tools().values().stream().mapToLong(AnalyticsSummary.ToolSummary::calls).sum()),
      "byTool", s.tools())),
  COSTS(s -> figures(
      "inputTokens", s.inputTokens(),
      "outputTokens", s.outputTokens(),
      "costUsd", AnalyticsReports.round(s.costUsd()),
      "costPerConversationUsd", s.conversationsStarted() == 0 ? null
          : AnalyticsReports.round(s.costUsd() / s.conversationsStarted()),
      "byModel", s.models())),
  SATISFACTION(s -> figures(
      "ratings", total(s.feedbackRatings()),
      "meanRating", s.meanFeedbackRating() == null ? null : AnalyticsReports.round(s.meanFeedbackRating()),
      "byRating", s.feedbackRatings())),
  DELIVERIES(s -> {
    Map<String, Long> byStatus = AnalyticsReports.sum(s.deliveries());
    long failed = byStatus.getOrDefault("FAILED", 0L) + byStatus.getOrDefault("DEAD_LETTERED", 0L);
    long delivered = byStatus.getOrDefault("DELIVERED", 0L) + byStatus.getOrDefault("SERVED_BY_GATEWAY", 0L);
    return figures(
        "delivered", delivered,
        "failedAttempts", byStatus.getOrDefault("FAILED", 0L),
        "deadLettered", byStatus.getOrDefault("DEAD_LETTERED", 0L),
        "failureRate", share(failed, failed + delivered),
        "byChannel", s.deliveries());
  });

  private final Function<AnalyticsSummary, Map<String, Object>> picks;

  OverviewMetric(Function<AnalyticsSummary, Map<String, Object>> figures) {
    this.picks = figures;
  }

  /** This metric's figures of a period. */
  Map<String, Object> pick(AnalyticsSummary summary) {
    return picks.apply(summary);
  }

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Metrics by their keys; a 400 naming the ones there are for a key that is none of them. */
  static Set<OverviewMetric> of(Collection<String> keys) {
    Set<OverviewMetric> metrics = EnumSet.noneOf(OverviewMetric.class);
    for (String key : keys == null ? Set.<String>of() : keys) {
      metrics.add(Arrays.stream(values()).filter(metric -> metric.key().equalsIgnoreCase(key == null ? "" : key.strip()))
          .findFirst().orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown metric '"
              + abbreviated(String.valueOf(key)) + "': metrics are "
              + Arrays.stream(values()).map(OverviewMetric::key).collect(Collectors.joining(", ")))));
    }
    return metrics;
  }

  /** A caller's text in an error: short, and only characters that are safe to show back. */
  private static String abbreviated(String key) {
    String safe = key.replaceAll("[^A-Za-z0-9_ -]", "?");
    return safe.length() > 40 ? safe.substring(0, 40) + "…" : safe;
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
