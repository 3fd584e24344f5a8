package dev.parley.schemas;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One Kafka topic of Parley: its name, the Avro type of its values, how its keys are formed
 * and how it is created. Keys are always strings ({@link Keys}).
 *
 * @param name       topic name
 * @param valueType  generated Avro class of the values
 * @param key        how the key is formed, for people reading the catalog
 * @param partitions partitions to create it with
 * @param compacted  true for reference and state topics, where the latest value per key is what counts
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, String key, int partitions, boolean compacted) {

  /** The artifact id the Apicurio serdes use for the value schema (TopicIdStrategy). */
  public String valueArtifactId() {
    return name + "-value";
  }

  /** The topic as Kafka's admin client creates it. */
  public NewTopic newTopic(short replicationFactor) {
    return new NewTopic(name, partitions, replicationFactor)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE));
  }
}
