package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.context.SideStreams;
import dev.parley.context.conversation.DeadLetterOnProcessingError;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The analytics application ({@code parley-analytics}, {@link AnalyticsTopology}) beside the
 * conversations one: resetting it rebuilds every window from the topics.
 */
public class AnalyticsStreams extends SideStreams {

  /**
   * @param streamsConfig the conversations application's settings (exactly-once, broker, state
   *                      directory, handlers); the application id and commit interval are its own
   */
  public AnalyticsStreams(Map<String, Object> streamsConfig, String applicationId, Duration commitInterval, AvroSerdes serdes,
      MeterRegistry meters, Workers workers) {
    super(streamsConfig, "analyticsStreams", Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
        // Windows need no 100 ms turn-around: fewer, larger transactions.
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis(),
        // A record it cannot count is dead-lettered; no customer is answered from here.
        DeadLetterOnProcessingError.ANSWER_CUSTOMERS, false,
        // A record it cannot decode is skipped (logged without its bytes, counted in
        // kafka_stream_task_dropped_records_total): the application that serves the topic dead-letters
        // it, and a second letter for the same record would be re-driven twice.
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class),
        builder -> AnalyticsTopology.define(builder, serdes, Clock.systemUTC()), meters, workers);
  }

  /**
   * The instance holding a tenant's windows: the windows are keyed by tenant after the
   * repartition, and all three sizes are in the same task, so one instance holds them all.
   */
  HostInfo owner(String tenantId) {
    return owner(AnalyticsTopology.MINUTE_STORE, tenantId, new StringSerializer());
  }

  /** This instance's windows of one size. */
  ReadOnlyWindowStore<String, AnalyticsCounts> store(AnalyticsTopology.Window window) {
    return queries().retrieveQueryableStore(window.store, QueryableStoreTypes.windowStore());
  }
}
