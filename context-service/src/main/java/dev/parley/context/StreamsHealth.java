package dev.parley.context;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Health follows Kafka Streams: DOWN until the instance has first reached RUNNING (its stores are
 * restored and queryable), UP while running or rebalancing after that, DOWN when it has stopped or
 * failed. So a deploy or the local stack waits until the instance can really serve.
 */
@Component("kafkaStreams")
class StreamsHealth implements HealthIndicator {

  private final StreamsBuilderFactoryBean factory;
  private volatile boolean hasRun;

  StreamsHealth(StreamsBuilderFactoryBean factory) {
    this.factory = factory;
  }

  @Override
  public Health health() {
    KafkaStreams streams = factory.getKafkaStreams();
    KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
    hasRun |= state == KafkaStreams.State.RUNNING;
    boolean up = state == KafkaStreams.State.RUNNING || (hasRun && state == KafkaStreams.State.REBALANCING);
    return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
  }
}
