package dev.parley.devstack;

/** A Kafka broker (or cluster) the stack runs against: embedded here, a container elsewhere. */
public interface KafkaBroker extends AutoCloseable {

  String bootstrapServers();

  /** How many copies of each topic the cluster keeps. */
  default short replicationFactor() {
    return 1;
  }

  @Override
  void close();
}
