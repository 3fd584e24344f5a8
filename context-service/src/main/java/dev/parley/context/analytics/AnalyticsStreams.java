package dev.parley.context.analytics;

import dev.parley.context.StreamThreadReplacement;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import dev.parley.analytics.AnalyticsCounts;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;
import org.springframework.context.SmartLifecycle;

/**
 * The analytics application ({@code parley-analytics}, {@link AnalyticsTopology}) beside the
 * conversations one, in the same service but with an application id, offsets, stores and
 * changelogs of its own: resetting it (kafka-streams-application-reset, then a restart) rebuilds
 * every window from the topics and touches no conversation.
 *
 * <p>Its Kafka Streams instance is kept inside this bean rather than exposed as a second
 * {@link StreamsBuilderFactoryBean}, so that everything else keeps finding the conversations' one.
 */
public class AnalyticsStreams implements SmartLifecycle {

  private final StreamsBuilderFactoryBean factory;
  private final KafkaStreamsInteractiveQueryService queries;
  private final Workers.Worker health;

  /**
   * @param streamsConfig the conversations application's settings (exactly-once, broker, state
   *                      directory, handlers); the application id and commit interval are its own
   */
  public AnalyticsStreams(Map<String, Object> streamsConfig, String applicationId, Duration commitInterval, AvroSerdes serdes,
      MeterRegistry meters, Workers workers) {
    Map<String, Object> config = new java.util.HashMap<>(streamsConfig);
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // Windows need no 100 ms turn-around: fewer, larger transactions.
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
    // A record it cannot count is dead-lettered; no customer is answered from here.
    config.put(dev.parley.context.conversation.DeadLetterOnProcessingError.ANSWER_CUSTOMERS, false);
    // A record it cannot decode is skipped (logged without its bytes, counted in
    // kafka_stream_task_dropped_records_total): the application that serves the topic dead-letters
    // it, and a second letter for the same record would be re-driven twice.
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    this.factory = new StreamsBuilderFactoryBean(new KafkaStreamsConfiguration(config));
    this.factory.setBeanName("analyticsStreams"); // names its metrics (kafka_stream_*{spring_id="analyticsStreams"})
    this.factory.setAutoStartup(false); // started by this bean
    this.factory.setLeaveGroupOnClose(true);
    this.factory.setStreamsUncaughtExceptionHandler(new StreamThreadReplacement(5, Duration.ofMinutes(5), Clock.systemUTC()));
    this.factory.addListener(new KafkaStreamsMicrometerListener(meters));
    this.factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
      @Override
      public void configureBuilder(StreamsBuilder builder) {
        AnalyticsTopology.define(builder, serdes, Clock.systemUTC());
      }
    });
    this.health = workers.register("analytics-streams");
    this.factory.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        health.running();
      } else if (now == KafkaStreams.State.ERROR) {
        health.died(new IllegalStateException("the analytics application stopped: " + before + " → " + now));
      }
    });
    this.queries = new KafkaStreamsInteractiveQueryService(factory);
  }

  /** Interactive queries of the analytics stores, across instances. */
  public KafkaStreamsInteractiveQueryService queries() {
    return queries;
  }

  /** False while the application is starting, rebalancing or restoring: its windows may be incomplete. */
  boolean ready() {
    KafkaStreams streams = factory.getKafkaStreams();
    return streams != null && streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * The instance holding a tenant's windows: the windows are keyed by tenant after the
   * repartition, and all three sizes are in the same task, so one instance holds them all.
   */
  HostInfo owner(String tenantId) {
    return queries.getKafkaStreamsApplicationHostInfo(AnalyticsTopology.MINUTE_STORE, tenantId, new StringSerializer());
  }

  boolean isSelf(HostInfo host) {
    return queries.getCurrentKafkaStreamsApplicationHostInfo().equals(host);
  }

  /** This instance's windows of one size. */
  ReadOnlyWindowStore<String, AnalyticsCounts> store(AnalyticsTopology.Window window) {
    return queries.retrieveQueryableStore(window.store, QueryableStoreTypes.windowStore());
  }

  @Override
  public void start() {
    try {
      factory.afterPropertiesSet(); // makes the builder
    } catch (Exception e) {
      throw new IllegalStateException("the analytics application could not be set up", e);
    }
    factory.afterSingletonsInstantiated(); // builds the topology on it
    factory.start();
  }

  @Override
  public void stop() {
    factory.stop();
    health.stopped();
  }

  @Override
  public boolean isRunning() {
    return factory.isRunning();
  }
}
