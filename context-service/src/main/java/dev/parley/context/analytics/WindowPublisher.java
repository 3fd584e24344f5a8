package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Publishes a tenant's window once its grace period is over (by stream time, the records' own
 * time), and again, corrected with a revision one higher, when a record that belongs to it
 * arrives after that.
 *
 * <p>Why not {@code emitStrategy(onWindowClose())} with the grace as the windows' own: that drops
 * every record later than the grace period, and replaying the topics after a reset makes records
 * late that were on time when they were first read (the tasks before the repartition read their
 * partitions at different speeds, so one tenant's records reach the windows out of time order). The
 * windows instead accept a record as long as its window is kept, so a rebuild holds what the live
 * windows held, and publication keeps the grace period as its delay.
 */
final class WindowPublisher implements Processor<Windowed<String>, AnalyticsCounts, String, AnalyticsWindow> {

  /** How often (in stream time) windows past their grace period are looked for. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(10);

  private final Window window;
  private ProcessorContext<String, AnalyticsWindow> context;
  /** Windows updated since they were last published, by {@link #key}: their latest counts. */
  private KeyValueStore<String, AnalyticsCounts> pending;
  /** How many times each window was published, by {@link #key}, for as long as the window is kept. */
  private KeyValueStore<String, Integer> published;

  WindowPublisher(Window window) {
    this.window = window;
  }

  static String pendingStore(Window window) {
    return window.store + "-pending";
  }

  static String publishedStore(Window window) {
    return window.store + "-published";
  }

  static List<StoreBuilder<?>> stores(Window window, Serde<AnalyticsCounts> counts) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pendingStore(window)), Serdes.String(), counts),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(publishedStore(window)), Serdes.String(), Serdes.Integer()));
  }

  @Override
  public void init(ProcessorContext<String, AnalyticsWindow> context) {
    this.context = context;
    this.pending = context.getStateStore(pendingStore(window));
    this.published = context.getStateStore(publishedStore(window));
    context.schedule(CHECK_EVERY, PunctuationType.STREAM_TIME, this::publishClosed);
    // Also by the wall clock, still judging closure by stream time: an update the stores' cache
    // forwards after the record that moved stream time on would otherwise wait for the next one.
    context.schedule(CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, wallClock -> publishClosed(context.currentStreamTimeMs()));
  }

  @Override
  public void process(Record<Windowed<String>, AnalyticsCounts> update) {
    if (update.value() != null) {
      pending.put(key(update.key().window().start(), update.key().key()), update.value());
    }
  }

  private void publishClosed(long streamTime) {
    if (streamTime < 0) {
      return; // no record yet: stream time unknown
    }
    long lastClosed = streamTime - window.size.toMillis() - window.grace.toMillis(); // the latest start of a closed window
    List<KeyValue<String, AnalyticsCounts>> closed = new ArrayList<>();
    try (var windows = pending.range(key(0, ""), key(lastClosed + 1, ""))) {
      windows.forEachRemaining(closed::add);
    }
    for (KeyValue<String, AnalyticsCounts> entry : closed) {
      long start = start(entry.key);
      String tenant = tenant(entry.key);
      Integer before = published.get(entry.key);
      int revision = before == null ? 0 : before + 1;
      long end = start + window.size.toMillis();
      context.forward(new Record<>(tenant, AnalyticsWindow.newBuilder()
          .setTenantId(tenant)
          .setGranularity(window.granularity)
          .setWindowStart(Instant.ofEpochMilli(start))
          .setWindowEnd(Instant.ofEpochMilli(end))
          .setCounts(entry.value)
          .setRevision(revision)
          .build(), end - 1));
      published.put(entry.key, revision);
      pending.delete(entry.key);
    }
    // Windows no longer kept cannot change again: forget their revisions.
    List<String> forgotten = new ArrayList<>();
    try (var old = published.range(key(0, ""), key(streamTime - window.retention.toMillis() - window.size.toMillis(), ""))) {
      old.forEachRemaining(entry -> forgotten.add(entry.key));
    }
    forgotten.forEach(published::delete);
  }

  /** Start first, zero-padded: the store's byte order is time order, so closed windows are a range. */
  static String key(long start, String tenant) {
    return String.format("%015d|%s", Math.max(start, 0), tenant);
  }

  private static long start(String key) {
    return Long.parseLong(key.substring(0, key.indexOf('|')));
  }

  private static String tenant(String key) {
    return key.substring(key.indexOf('|') + 1);
  }
}
