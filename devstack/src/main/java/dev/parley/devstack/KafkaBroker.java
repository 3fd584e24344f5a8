package dev.parley.devstack;

/** A Kafka broker (or cluster) the stack runs against: embedded here, a container elsewhere. */
public interface KafkaBroker extends AutoCloseable {

  String bootstrapServers();

  /** How many copies of each topic the cluster keeps. */
  default short replicationFactor() {
    return 1;
  }

  /** The process id of each node running in a process of its own, by name; none for a broker inside this JVM. */
  default java.util.Map<String, Long> processIds() {
    return java.util.Map.of();
  }

  @Override
  void close();
}
