package dev.parley.devstack;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node Kafka broker in KRaft mode, in this JVM. Topic auto-creation is off, as in
 * production: a service that writes to a topic missing from the catalog fails loudly.
 */
public final class EmbeddedKraftBroker implements KafkaBroker {

  private final EmbeddedKafkaKraftBroker broker;

  public EmbeddedKraftBroker() {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(Map.of(
        "auto.create.topics.enable", "false",
        "offsets.topic.replication.factor", "1",
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "transaction.state.log.num.partitions", "4",
        "offsets.topic.num.partitions", "4",
        // Consumer groups start at once instead of waiting for more members.
        "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
  }

  @Override
  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
  }
}
