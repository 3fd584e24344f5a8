package dev.parley.devstack;

/** A Kafka broker the stack runs against: embedded here, a container elsewhere. */
public interface KafkaBroker extends AutoCloseable {

  String bootstrapServers();

  @Override
  void close();
}
