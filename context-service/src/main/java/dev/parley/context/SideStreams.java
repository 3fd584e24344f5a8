package dev.parley.context;

import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

/**
 * A Kafka Streams application beside the conversations one, in the same service but with an
 * application id, offsets, stores and changelogs of its own (the analytics windows, the transcript
 * index): resetting it (kafka-streams-application-reset, then a restart) rebuilds its stores from
 * the topics and touches no conversation.
 *
 * <p>Its Kafka Streams instance is kept inside this bean rather than exposed as a second
 * {@link StreamsBuilderFactoryBean}, so that everything else keeps finding the conversations' one.
 */
public class SideStreams implements SmartLifecycle {

  private final StreamsBuilderFactoryBean factory;
  private final KafkaStreamsInteractiveQueryService queries;
  private final Workers.Worker health;
  private final String name;

  /**
   * @param streamsConfig the conversations application's settings (broker, state directory,
   *                      handlers, exactly-once)
   * @param name          names its metrics ({@code kafka_stream_*{spring_id="<name>"}}) and its health
   * @param overrides     what differs from the conversations application: at least the application id
   * @param topology      defines its topology on the builder
   */
  public SideStreams(Map<String, Object> streamsConfig, String name, Map<String, Object> overrides,
      Consumer<StreamsBuilder> topology, MeterRegistry meters, Workers workers) {
    if (!overrides.containsKey(StreamsConfig.APPLICATION_ID_CONFIG)) {
      throw new IllegalArgumentException(name + " needs an application id of its own");
    }
    this.name = name;
    Map<String, Object> config = new HashMap<>(streamsConfig);
    config.putAll(overrides);
    this.factory = new StreamsBuilderFactoryBean(new KafkaStreamsConfiguration(config));
    this.factory.setBeanName(name);
    this.factory.setAutoStartup(false); // started by this bean
    this.factory.setLeaveGroupOnClose(true);
    this.factory.setStreamsUncaughtExceptionHandler(new StreamThreadReplacement(5, Duration.ofMinutes(5), Clock.systemUTC()));
    this.factory.addListener(new KafkaStreamsMicrometerListener(meters));
    this.factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
      @Override
      public void configureBuilder(StreamsBuilder builder) {
        topology.accept(builder);
      }
    });
    this.health = workers.register(name);
    this.factory.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        health.running();
      } else if (now == KafkaStreams.State.ERROR) {
        health.died(new IllegalStateException(name + " stopped: " + before + " → " + now));
      }
    });
    this.queries = new KafkaStreamsInteractiveQueryService(factory);
  }

  /** Interactive queries of its stores, across instances. */
  public KafkaStreamsInteractiveQueryService queries() {
    return queries;
  }

  /** False while the application is starting, rebalancing or restoring: its stores may be incomplete. */
  public boolean ready() {
    KafkaStreams streams = factory.getKafkaStreams();
    return streams != null && streams.state() == KafkaStreams.State.RUNNING;
  }

  /** The instance holding a key of a store. */
  public <K> HostInfo owner(String store, K key, Serializer<K> keySerializer) {
    return queries.getKafkaStreamsApplicationHostInfo(store, key, keySerializer);
  }

  public boolean isSelf(HostInfo host) {
    return queries.getCurrentKafkaStreamsApplicationHostInfo().equals(host);
  }

  @Override
  public void start() {
    try {
      factory.afterPropertiesSet(); // makes the builder
    } catch (Exception e) {
      throw new IllegalStateException(name + " could not be set up", e);
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
