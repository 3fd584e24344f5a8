package dev.parley.context.analytics;

import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertMetric;
import dev.parley.analytics.AlertRule;
import dev.parley.analytics.AlertRules;
import dev.parley.analytics.AlertState;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.analytics.Granularity;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import dev.parley.schemas.Topics;
import dev.parley.schemas.ValueSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Tenants' alert rules, kept as data on {@code parley.alert-rules} (a global table: every instance
 * has every tenant's), judged on each closed window as it is first published: a rule whose figure
 * reaches its threshold starts firing ({@link AlertState#FIRING} on {@code parley.alerts}, and the
 * {@code alert.firing} webhook), and the next window of that size judged below it resolves it. A
 * window with fewer events than the rule's minimum is not judged. A tenant without rules gets
 * {@link #DEFAULTS}; one that set an empty list gets none.
 *
 * <p>A rule removed, renamed or given another metric while firing is forgotten without an alert. A
 * firing rule whose tenant stops sending traffic stays firing until a window with enough events is
 * judged below it.
 *
 * <p>A window is judged only if it closed recently by the wall clock: replaying the topics after a
 * reset publishes every window again and must not raise a month of old alerts. A corrected revision
 * of a window is not judged again.
 */
final class Alerts {

  static final String RULES_STORE = "analytics-alert-rules";
  static final String FIRING_STORE = "analytics-alerts-firing";
  /** How long after its grace period a window may still raise or resolve an alert. */
  static final Duration RECENT = Duration.ofMinutes(15);

  /** The rules of a tenant that set none. */
  static final List<AlertRule> DEFAULTS = List.of(
      new AlertRule("errors", AlertMetric.ERROR_RATE, 0.10, Granularity.MINUTE, 10L),
      new AlertRule("slow-replies", AlertMetric.REPLY_P95_MS, 15_000.0, Granularity.MINUTE, 10L),
      new AlertRule("frustration", AlertMetric.FRUSTRATION_RATE, 0.30, Granularity.HOUR, 10L),
      new AlertRule("delivery-failures", AlertMetric.DELIVERY_FAILURE_RATE, 0.10, Granularity.MINUTE, 10L));

  /** A figure of a window and how many events it is of. */
  record Measure(double value, long events) {
  }

  private record Judged(AnalyticsWindow window, AlertRules rules) {
  }

  private Alerts() {
  }

  /** @param closed every window as {@link WindowPublisher} publishes it, keyed by tenant */
  static void define(StreamsBuilder builder, ValueSerdes serdes, KStream<String, AnalyticsWindow> closed, Clock clock) {
    GlobalKTable<String, AlertRules> rules = builder.globalTable(Topics.ALERT_RULES.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.ALERT_RULES)).withName("analytics-alert-rules-source"),
        Materialized.<String, AlertRules, org.apache.kafka.streams.state.KeyValueStore<Bytes, byte[]>>as(RULES_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.ALERT_RULES)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIRING_STORE), Serdes.String(), Serdes.Long()));
    closed.filter((tenant, window) -> window.getRevision() == 0 && recent(window, clock.instant()), Named.as("analytics-alerts-recent"))
        .leftJoin(rules, (tenant, window) -> tenant, Judged::new, Named.as("analytics-alerts-rules"))
        .process(() -> new Judge(clock), Named.as("analytics-alerts-judge"), FIRING_STORE)
        .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), serdes.valueSerde(Topics.ALERTS)).withName("analytics-alerts-sink"));
  }

  private static boolean recent(AnalyticsWindow window, Instant now) {
    Window size = Window.valueOf(window.getGranularity().name());
    return !window.getWindowEnd().plus(size.grace).plus(RECENT).isBefore(now);
  }

  /** A rule's figure in a window; null when the window has nothing to measure it by. */
  static Measure measure(AlertMetric metric, AnalyticsSummary summary) {
    long replies = summary.replyMs().count();
    return switch (metric) {
      case ERROR_RATE -> replies == 0 ? null : new Measure((double) summary.fallbacks() / replies, replies);
      case REPLY_P95_MS -> replies == 0 ? null : new Measure(summary.replyMs().p95(), replies);
      case FRUSTRATION_RATE -> {
        long analysed = summary.intents().values().stream().mapToLong(AnalyticsSummary.IntentSummary::count).sum();
        yield analysed == 0 ? null : new Measure((double) summary.frustrationIncidents() / analysed, analysed);
      }
      case DELIVERY_FAILURE_RATE -> {
        var byStatus = AnalyticsReports.sum(summary.deliveries());
        long attempts = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long failed = byStatus.getOrDefault("FAILED", 0L) + byStatus.getOrDefault("DEAD_LETTERED", 0L);
        yield attempts == 0 ? null : new Measure((double) failed / attempts, attempts);
      }
    };
  }

  /** Which rules fire, by tenant, size, rule and metric; the prefix up to the size is a tenant's rules of that size. */
  static String firingKey(AnalyticsWindow window, AlertRule rule) {
    return firingPrefix(window) + rule.getName() + "|" + rule.getMetric();
  }

  private static String firingPrefix(AnalyticsWindow window) {
    return window.getTenantId() + "|" + window.getGranularity() + "|";
  }

  /** Judges each rule of the window's size; remembers which rules fire, by tenant, size, rule and metric. */
  private static final class Judge implements Processor<String, Judged, String, Alert> {

    private final Clock clock;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, Long> firing;

    Judge(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
      this.context = context;
      this.firing = context.getStateStore(FIRING_STORE);
    }

    /**
     * A rule removed, renamed or given another metric while it fired is forgotten (no alert: the
     * rule it was is gone), so the same name added again starts afresh.
     */
    private void forgetRemovedRules(AnalyticsWindow window, List<AlertRule> rules) {
      List<String> gone = new java.util.ArrayList<>();
      try (var fired = firing.prefixScan(firingPrefix(window), new org.apache.kafka.common.serialization.StringSerializer())) {
        fired.forEachRemaining(entry -> {
          if (rules.stream().noneMatch(rule -> firingKey(window, rule).equals(entry.key))) {
            gone.add(entry.key);
          }
        });
      }
      gone.forEach(firing::delete);
    }

    @Override
    public void process(Record<String, Judged> record) {
      AnalyticsWindow window = record.value().window();
      List<AlertRule> rules = (record.value().rules() == null ? DEFAULTS : record.value().rules().getRules()).stream()
          .filter(rule -> rule.getGranularity() == window.getGranularity()).toList();
      forgetRemovedRules(window, rules);
      AnalyticsSummary summary = null;
      for (AlertRule rule : rules) {
        summary = summary != null ? summary : AnalyticsSummary.of(window.getCounts());
        Measure measure = measure(rule.getMetric(), summary);
        if (measure == null || measure.events() < rule.getMinimumEvents()) {
          continue;
        }
        String key = firingKey(window, rule);
        Long firingSince = firing.get(key);
        if (firingSince != null && window.getWindowStart().toEpochMilli() <= firingSince) {
          continue; // a window older than the one that started it firing (published late): it says nothing new
        }
        boolean reached = measure.value() >= rule.getThreshold();
        if (reached == (firingSince != null)) {
          continue;
        }
        if (reached) {
          firing.put(key, window.getWindowStart().toEpochMilli());
        } else {
          firing.delete(key);
        }
        String identity = window.getTenantId() + "|" + rule.getName() + "|" + rule.getGranularity();
        AlertState state = reached ? AlertState.FIRING : AlertState.RESOLVED;
        context.forward(record.withValue(Alert.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes((identity + "|" + window.getWindowStart().toEpochMilli() + "|" + state)
                .getBytes(StandardCharsets.UTF_8)).toString())
            .setTenantId(window.getTenantId())
            .setState(state)
            .setRule(rule)
            .setValue(measure.value())
            .setEvents(measure.events())
            .setWindowStart(window.getWindowStart())
            .setWindowEnd(window.getWindowEnd())
            .setSummary(summary(rule, measure, window, state))
            .setRaisedAt(clock.instant())
            .build()));
      }
    }
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** "Error rate 25% of 40 replies from 2026-12-03 14:01 to 14:02 UTC reached the rule errors (at least 10%)." */
  static String summary(AlertRule rule, Measure measure, AnalyticsWindow window, AlertState state) {
    String figure = switch (rule.getMetric()) {
      case ERROR_RATE -> "Fallback replies were " + percent(measure.value()) + " of " + measure.events() + " replies";
      case REPLY_P95_MS -> "95% of " + measure.events() + " replies took up to " + Insights.duration((long) measure.value());
      case FRUSTRATION_RATE -> "Customers were frustrated in " + percent(measure.value()) + " of " + measure.events() + " turns";
      case DELIVERY_FAILURE_RATE -> percent(measure.value()) + " of " + measure.events() + " delivery attempts failed";
    };
    String threshold = rule.getMetric() == AlertMetric.REPLY_P95_MS
        ? Insights.duration((long) rule.getThreshold()) : percent(rule.getThreshold());
    return figure + " from " + TIME.format(window.getWindowStart()) + " to " + TIME.format(window.getWindowEnd()) + " UTC: "
        + (state == AlertState.FIRING ? "reached" : "back below") + " the rule " + rule.getName() + " (" + threshold + ").";
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }
}
