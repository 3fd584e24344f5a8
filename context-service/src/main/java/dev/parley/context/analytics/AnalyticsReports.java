package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The analytics answers, read from one instance's window stores (the instance holding the tenant's
 * windows): a series of windows, the live view, an overview with the previous period and insights,
 * and the sales funnel. Windows of a period are added up first ({@link Counts#add}) and summarised
 * once, so a period's percentiles are those of all its replies.
 */
final class AnalyticsReports {

  /** At most this many windows in one series: a day of minutes, 62 days of hours, every day kept. */
  static final int MAX_WINDOWS = 1_500;

  /** A window of the series: its bounds and what it holds (zeros for a window without traffic). */
  record WindowSummary(Instant start, Instant end, AnalyticsSummary summary) {
  }

  /** Windows of one size from {@code from} (rounded down to a window's start) to {@code to}, and their total. */
  record Series(String tenantId, String granularity, Instant from, Instant to, List<WindowSummary> windows, AnalyticsSummary total) {
  }

  /**
   * Rates of a period, per minute of it and as shares (0 to 1; null without anything to share).
   *
   * @param toolErrorRate calls that failed, of all tool calls
   * @param fallbackRate  replies that were the polite fallback (a step failed), of all assistant replies
   */
  record Rates(double turnsPerMinute, double repliesPerMinute, double toolCallsPerMinute, Double toolSuccessRate,
      Double toolErrorRate, Double fallbackRate, Double clarificationRate, Double meanIntentConfidence) {

    static Rates of(AnalyticsSummary summary, Duration span) {
      double minutes = Math.max(span.toMillis(), 1) / 60_000.0;
      long replies = summary.replyMs().count();
      long toolCalls = summary.tools().values().stream().mapToLong(AnalyticsSummary.ToolSummary::calls).sum();
      long toolSuccesses = summary.tools().values().stream().mapToLong(AnalyticsSummary.ToolSummary::successes).sum();
      return new Rates(round(summary.turns() / minutes), round(replies / minutes), round(toolCalls / minutes),
          share(toolSuccesses, toolCalls), share(toolCalls - toolSuccesses, toolCalls), share(summary.fallbacks(), replies),
          share(summary.clarificationRequests(), replies), summary.meanIntentConfidence());
    }
  }

  /** A period of the live view: its bounds, its rates and its figures. */
  record Period(Instant from, Instant to, Rates rates, AnalyticsSummary summary) {
  }

  /** {@code GET /metrics}: the last five minutes (the current one included) and the current hour. */
  record Live(String tenantId, Instant asOf, Period lastFiveMinutes, Period currentHour) {
  }

  /** An observation in plain language, and which metric it is about. */
  record Insight(String metric, String text) {
  }

  /** A figure of the period against the previous period's. {@code changePercent} is null when the previous one was 0. */
  record Change(Number current, Number previous, double change, Double changePercent) {
  }

  /** {@code POST /ai/analytics-overview}'s answer. */
  record Overview(String tenantId, String timeRange, Instant from, Instant to, String granularity,
      Map<String, Map<String, Object>> metrics, Map<String, Map<String, Change>> comparisons, Instant previousFrom,
      List<Insight> insights) {
  }

  /** A stage of the sales funnel: conversations that reached it, and as a share of those started in the period. */
  record Stage(String stage, long conversations, Double shareOfStarted) {
  }

  /** The funnel and lead view (real-estate and dealership tenants' pipeline). */
  record Funnel(String tenantId, String timeRange, Instant from, Instant to, long conversationsStarted, List<Stage> stages,
      Map<String, Long> leadsReached, long newHotLeads, long escalations) {
  }

  private final Function<Window, ReadOnlyWindowStore<String, AnalyticsCounts>> stores;
  private final Clock clock;

  /** @param stores this instance's window store of each size */
  AnalyticsReports(Function<Window, ReadOnlyWindowStore<String, AnalyticsCounts>> stores, Clock clock) {
    this.stores = stores;
    this.clock = clock;
  }

  /**
   * {@code GET /metrics/historical}: the windows of one size that start from {@code from} (rounded
   * down to a window's start) until {@code to}. A 400 when the range is reversed, reaches back
   * beyond the windows kept, or holds more than {@value #MAX_WINDOWS} windows.
   */
  Series series(String tenantId, Window window, Instant from, Instant to) {
    Instant now = clock.instant();
    Instant start = floor(from, window);
    if (!to.isAfter(from)) {
      throw badRequest("to must be after from");
    }
    Instant kept = floor(now.minus(window.retention), window);
    if (start.isBefore(kept)) {
      throw badRequest(name(window) + " windows are kept for " + window.retention.toDays() + " days: from must be "
          + kept + " or later" + (window == Window.DAY ? "" : ", or ask a coarser granularity"));
    }
    long windows = -Math.floorDiv(-Duration.between(start, to).toMillis(), window.size.toMillis()); // rounded up
    if (windows > MAX_WINDOWS) {
      throw badRequest("that range holds " + windows + " " + name(window) + " windows; at most " + MAX_WINDOWS
          + " at once: narrow the range or ask a coarser granularity");
    }
    Map<Instant, AnalyticsCounts> held = read(tenantId, window, start, to);
    AnalyticsSummary nothing = AnalyticsSummary.of(Counts.empty(tenantId));
    List<WindowSummary> series = new ArrayList<>();
    for (Instant at = start; at.isBefore(to); at = at.plus(window.size)) {
      AnalyticsCounts counts = held.get(at);
      series.add(new WindowSummary(at, at.plus(window.size), counts == null ? nothing : AnalyticsSummary.of(counts)));
    }
    return new Series(tenantId, name(window), start, to, series, AnalyticsSummary.of(total(tenantId, held)));
  }

  /** {@code GET /metrics}: the last five minute windows (the current one so far) and the current hour so far. */
  Live live(String tenantId) {
    Instant now = clock.instant();
    Instant minutes = floor(now, Window.MINUTE).minus(Window.MINUTE.size.multipliedBy(4));
    Instant hour = floor(now, Window.HOUR);
    return new Live(tenantId, now, period(tenantId, Window.MINUTE, minutes, now), period(tenantId, Window.HOUR, hour, now));
  }

  private Period period(String tenantId, Window window, Instant from, Instant to) {
    AnalyticsSummary summary = AnalyticsSummary.of(total(tenantId, read(tenantId, window, from, to)));
    return new Period(from, to, Rates.of(summary, Duration.between(from, to)), summary);
  }

  /**
   * The portal's analytics overview: the chosen metrics over the time range (all of them when none
   * are chosen), with the same figures of the period just before it and observations drawn from
   * the numbers when asked.
   */
  Overview overview(String tenantId, TimeRange range, Set<OverviewMetric> chosen, boolean comparisons, boolean insights) {
    Set<OverviewMetric> metrics = chosen.isEmpty() ? Set.of(OverviewMetric.values()) : chosen;
    TimeRange.Bounds bounds = range.bounds(clock.instant());
    AnalyticsSummary current = summary(tenantId, range.window, bounds.from(), bounds.to());
    AnalyticsSummary previous = comparisons || insights
        ? summary(tenantId, range.window, bounds.previousFrom(), bounds.from()) : null;
    Map<String, Map<String, Object>> figures = new LinkedHashMap<>();
    Map<String, Map<String, Change>> changes = comparisons ? new LinkedHashMap<>() : null;
    for (OverviewMetric metric : OverviewMetric.values()) {
      if (!metrics.contains(metric)) {
        continue;
      }
      Map<String, Object> now = metric.pick(current);
      figures.put(metric.key(), now);
      if (comparisons) {
        changes.put(metric.key(), compare(now, metric.pick(previous)));
      }
    }
    List<Insight> observations = insights
        ? Insights.of(current, previous, range, (double) Duration.between(bounds.from(), bounds.to()).toMillis()
            / Duration.between(bounds.previousFrom(), bounds.from()).toMillis()).stream().filter(insight -> metrics.stream()
            .anyMatch(metric -> metric.key().equals(insight.metric()))).toList()
        : null;
    return new Overview(tenantId, range.key(), bounds.from(), bounds.to(), name(range.window), figures, changes,
        comparisons ? bounds.previousFrom() : null, observations);
  }

  /** The stages conversations reached in the time range, in the order of the sale, and the leads that warmed up. */
  Funnel funnel(String tenantId, TimeRange range) {
    TimeRange.Bounds bounds = range.bounds(clock.instant());
    AnalyticsSummary summary = summary(tenantId, range.window, bounds.from(), bounds.to());
    List<Stage> stages = new ArrayList<>();
    summary.funnel().forEach((stage, reached) ->
        stages.add(new Stage(stage, reached, share(reached, summary.conversationsStarted()))));
    return new Funnel(tenantId, range.key(), bounds.from(), bounds.to(), summary.conversationsStarted(), stages,
        summary.leadsReached(), summary.newHotLeads(), summary.escalations());
  }

  private AnalyticsSummary summary(String tenantId, Window window, Instant from, Instant to) {
    return AnalyticsSummary.of(total(tenantId, read(tenantId, window, from, to)));
  }

  /** The tenant's windows starting in [from, to), by start. */
  private Map<Instant, AnalyticsCounts> read(String tenantId, Window window, Instant from, Instant to) {
    Map<Instant, AnalyticsCounts> windows = new LinkedHashMap<>();
    try (var held = stores.apply(window).fetch(tenantId, from, to.minusMillis(1))) {
      held.forEachRemaining(entry -> windows.put(Instant.ofEpochMilli(entry.key), entry.value));
    }
    return windows;
  }

  private static AnalyticsCounts total(String tenantId, Map<Instant, AnalyticsCounts> windows) {
    AnalyticsCounts total = Counts.empty(tenantId);
    for (AnalyticsCounts counts : windows.values()) {
      total = Counts.add(total, counts);
    }
    return total;
  }

  /** Every number of the figures against the previous period's (maps such as intents are not compared). */
  private static Map<String, Change> compare(Map<String, Object> current, Map<String, Object> previous) {
    Map<String, Change> changes = new LinkedHashMap<>();
    current.forEach((name, value) -> {
      if (value instanceof Number now && previous.get(name) instanceof Number before) {
        double change = now.doubleValue() - before.doubleValue();
        changes.put(name, new Change(now, before, round(change),
            before.doubleValue() == 0 ? null : round(100 * change / before.doubleValue())));
      }
    });
    return changes;
  }

  /** The start of the window of this size that holds the instant (windows are aligned to the epoch, so to UTC days). */
  static Instant floor(Instant at, Window window) {
    long size = window.size.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), size) * size);
  }

  static String name(Window window) {
    return window.name().toLowerCase(Locale.ROOT);
  }

  static Double share(long part, long whole) {
    return whole == 0 ? null : round((double) part / whole);
  }

  static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static ResponseStatusException badRequest(String detail) {
    return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
  }

  static Map<String, Object> figures(Object... namesAndValues) {
    Map<String, Object> figures = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      figures.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return figures;
  }

  static Map<String, Long> sum(Map<String, Map<String, Long>> byChannel) {
    Map<String, Long> total = new HashMap<>();
    byChannel.values().forEach(statuses -> statuses.forEach((status, count) -> total.merge(status, count, Long::sum)));
    return total;
  }
}
