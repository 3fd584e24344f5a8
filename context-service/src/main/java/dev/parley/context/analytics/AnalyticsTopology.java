package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.analytics.Granularity;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import dev.parley.schemas.ValueSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Parley's analytics, computed from the topics the pipeline already writes (no second source of
 * truth): every turn, analysed turn, reply, conversation event, tool call and delivery receipt
 * adds its {@link Contributions contribution} (a lead's temperature change and a person's first
 * message after an escalation add a {@link Transitions transition}) to its tenant's tumbling
 * windows of a minute, an hour and a day, by the record's own time, so replaying the topics gives
 * the same windows.
 *
 * <p>The windows are queryable stores ({@value #MINUTE_STORE}, {@value #HOUR_STORE},
 * {@value #DAY_STORE}), and each closed window, once its grace period for late records is over, is
 * published as an {@link AnalyticsWindow} on {@code parley.analytics-minute}, {@code -hour} and
 * {@code -day} for downstream consumers ({@link WindowPublisher}). A record later than that still
 * counts while its window is kept, and publishes the window again with a higher revision; only a
 * record older than the window's retention is left out (Kafka Streams counts it as dropped).
 *
 * <p>It runs as an application of its own ({@code parley-analytics}): it can be reset and rebuilt
 * from the topics without touching the conversations.
 */
public final class AnalyticsTopology {

  public static final String MINUTE_STORE = "analytics-minute";
  public static final String HOUR_STORE = "analytics-hour";
  public static final String DAY_STORE = "analytics-day";
  static final String BY_TENANT = "analytics-by-tenant";

  /**
   * One window size: its store, its topic, its grace period (how long after its end a window is
   * published, for records that come a little late), how long windows are kept (and a late record still counts).
   */
  public enum Window {
    MINUTE(Granularity.MINUTE, Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofDays(2), MINUTE_STORE, Topics.ANALYTICS_MINUTE),
    HOUR(Granularity.HOUR, Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofDays(35), HOUR_STORE, Topics.ANALYTICS_HOUR),
    DAY(Granularity.DAY, Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(400), DAY_STORE, Topics.ANALYTICS_DAY);

    public final Granularity granularity;
    public final Duration size;
    public final Duration grace;
    public final Duration retention;
    public final String store;
    public final Topic<AnalyticsWindow> topic;

    Window(Granularity granularity, Duration size, Duration grace, Duration retention, String store, Topic<AnalyticsWindow> topic) {
      this.granularity = granularity;
      this.size = size;
      this.grace = grace;
      this.retention = retention;
      this.store = store;
      this.topic = topic;
    }
  }

  private AnalyticsTopology() {
  }

  /** Builds the topology on its own builder: for tests and tools. */
  public static Topology build(ValueSerdes serdes, Clock clock) {
    StreamsBuilder builder = new StreamsBuilder();
    define(builder, serdes, clock);
    return builder.build();
  }

  /** @param clock the wall clock: alerts are raised only for windows that closed recently ({@link Alerts}) */
  public static void define(StreamsBuilder builder, ValueSerdes serdes, Clock clock) {
    KStream<String, ConversationEvent> events = source(builder, serdes, Topics.CONVERSATION_EVENTS);
    KStream<String, AssistantReply> replies = source(builder, serdes, Topics.REPLIES);
    List<KStream<String, AnalyticsCounts>> sources = List.of(
        contributions(source(builder, serdes, Topics.TURNS), Topics.TURNS, Contributions::of),
        contributions(source(builder, serdes, Topics.ENRICHED_TURNS), Topics.ENRICHED_TURNS, Contributions::of),
        contributions(replies, Topics.REPLIES, Contributions::of),
        contributions(events, Topics.CONVERSATION_EVENTS, Contributions::of),
        contributions(source(builder, serdes, Topics.TOOL_CALLS), Topics.TOOL_CALLS, Contributions::of),
        contributions(source(builder, serdes, Topics.DELIVERY_RECEIPTS), Topics.DELIVERY_RECEIPTS, Contributions::of),
        Transitions.timeToPerson(builder, events, replies),
        Transitions.leadChanges(builder, source(builder, serdes, Topics.CUSTOMER_PROFILES)));
    KStream<String, AnalyticsCounts> all = sources.get(0);
    for (int i = 1; i < sources.size(); i++) {
      all = all.merge(sources.get(i), Named.as("analytics-merge-" + i));
    }
    // The topics are keyed by conversation; the windows by tenant. One repartition serves all three sizes.
    KGroupedStream<String, AnalyticsCounts> byTenant = all
        .selectKey((key, counts) -> counts.getTenantId(), Named.as("analytics-tenant-key"))
        .repartition(Repartitioned.with(Serdes.String(), serdes.valueSerde(AnalyticsCounts.class)).withName(BY_TENANT))
        .groupByKey(Grouped.with(Serdes.String(), serdes.valueSerde(AnalyticsCounts.class)));
    KStream<String, AnalyticsWindow> published = null;
    for (Window window : Window.values()) {
      WindowPublisher.stores(window, serdes.valueSerde(AnalyticsCounts.class)).forEach(builder::addStateStore);
      // A record counts as long as its window is kept (the grace period is the publication's delay: see WindowPublisher).
      KStream<String, AnalyticsWindow> closed = byTenant.windowedBy(TimeWindows.ofSizeAndGrace(window.size, window.retention))
          .aggregate(() -> Counts.empty(""), (tenant, contribution, sum) -> Counts.add(sum, contribution),
              Named.as(window.store + "-sum"),
              Materialized.<String, AnalyticsCounts, WindowStore<Bytes, byte[]>>as(window.store)
                  .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(AnalyticsCounts.class))
                  .withRetention(window.retention.plus(window.size)))
          .toStream(Named.as(window.store + "-updates"))
          .process(() -> new WindowPublisher(window), Named.as(window.store + "-publish"),
              WindowPublisher.pendingStore(window), WindowPublisher.publishedStore(window), window.store);
      closed.to(window.topic.name(), Produced.with(Serdes.String(), serdes.valueSerde(window.topic)).withName(window.store + "-sink"));
      published = published == null ? closed : published.merge(closed, Named.as(window.store + "-judged"));
    }
    Alerts.define(builder, serdes, published, clock);
  }

  private static <V extends SpecificRecord> KStream<String, V> source(StreamsBuilder builder, ValueSerdes serdes, Topic<V> topic) {
    return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.valueSerde(topic)).withName("analytics-" + topic.name()))
        .filter((key, value) -> value != null, Named.as("analytics-present-" + topic.name()));
  }

  private static <V extends SpecificRecord> KStream<String, AnalyticsCounts> contributions(KStream<String, V> records,
      Topic<V> topic, Function<V, AnalyticsCounts> contribution) {
    return records.mapValues(contribution::apply, Named.as("analytics-of-" + topic.name()))
        .filter((key, counts) -> counts != null, Named.as("analytics-counted-" + topic.name()));
  }
}
