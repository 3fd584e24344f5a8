package dev.parley.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Hands out value serdes for Parley's Avro types. Topologies take this, so tests can run them without a registry. */
public interface ValueSerdes {

  /** A value serde for an Avro type, for state stores and internal topics. */
  <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type);

  /** The value serde of a topic. */
  default <V extends SpecificRecord> Serde<V> valueSerde(Topic<V> topic) {
    return valueSerde(topic.valueType());
  }
}
