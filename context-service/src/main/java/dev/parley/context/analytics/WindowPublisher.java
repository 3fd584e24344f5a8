package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
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

  /** How often (in stream time, and by the wall clock) windows past their grace period are looked for. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(10);
  /** A task whose stream time is this close to the wall clock reads records as they are written. */
  static final Duration LIVE_LAG = Duration.ofMinutes(2);
  /** How far behind the wall clock a live task takes time to be when its partition is quiet. */
  static final Duration LIVE_ALLOWANCE = Duration.ofSeconds(30);

  private final Window window;
  private ProcessorContext<String, AnalyticsWindow> context;
  /** Windows updated since they were last published, by {@link #key}: their latest counts. */
  private KeyValueStore<String, AnalyticsCounts> pending;
  /** How many times each window was published, by {@link #key}, for as long as the window is kept. */
  private KeyValueStore<String, Integer> published;
  /** The window sums themselves: read when publishing, through their cache, so nothing still cached is left out. */
  private TimestampedWindowStore<String, AnalyticsCounts> sums;
  private boolean live;

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
    this.sums = context.getStateStore(window.store);
    context.schedule(CHECK_EVERY, PunctuationType.STREAM_TIME, this::publishClosed);
    // Also by the wall clock. While the task reads records as they are written ("live"), the wall
    // clock closes a window too: a quiet partition's stream time stands still, and its last windows
    // would wait for a record that may not come (nor would their alerts). While it catches up or
    // replays, only the records' time closes windows.
    context.schedule(CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, wallClock -> publishClosed(live
        ? Math.max(context.currentStreamTimeMs(), wallClock - LIVE_ALLOWANCE.toMillis()) : context.currentStreamTimeMs()));
  }

  @Override
  public void process(Record<Windowed<String>, AnalyticsCounts> update) {
    if (update.value() != null) {
      pending.put(key(update.key().window().start(), update.key().key()), update.value());
    }
    // Judged by the task's stream time, not this update's own (a late record's window is old, the task is not).
    live = context.currentSystemTimeMs() - context.currentStreamTimeMs() < LIVE_LAG.toMillis();
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
      ValueAndTimestamp<AnalyticsCounts> current = sums.fetch(tenant, start);
      // Marked published first: should what follows fail, this window is not retried every 10 s ahead of the others.
      published.put(entry.key, revision);
      pending.delete(entry.key);
      context.forward(new Record<>(tenant, AnalyticsWindow.newBuilder()
          .setTenantId(tenant)
          .setGranularity(window.granularity)
          .setWindowStart(Instant.ofEpochMilli(start))
          .setWindowEnd(Instant.ofEpochMilli(end))
          .setCounts(current != null ? current.value() : entry.value)
          .setRevision(revision)
          .build(), end - 1));
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
    return String.format(Locale.ROOT, "%015d|%s", Math.max(start, 0), tenant);
  }

  private static long start(String key) {
    return Long.parseLong(key.substring(0, key.indexOf('|')));
  }

  private static String tenant(String key) {
    return key.substring(key.indexOf('|') + 1);
  }
}
