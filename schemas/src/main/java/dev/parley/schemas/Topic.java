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
 * @param maxMessageBytes the largest record (batch) the topic takes; the producers of the topic
 *                        send at most this ({@link #MAX_REQUEST_BYTES})
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, String key, int partitions, boolean compacted, int maxMessageBytes) {

  /** Most topics: 1 MiB, Kafka's own default, set here so that it is a decision, not an accident. */
  public static final int RECORD_LIMIT = 1024 * 1024;
  /**
   * What every Parley producer may send in one request: the largest topic's limit (dead letters
   * carry another record whole, plus why it failed).
   */
  public static final int MAX_REQUEST_BYTES = 2 * RECORD_LIMIT + 64 * 1024;

  /** A topic of records up to {@link #RECORD_LIMIT}. */
  public Topic(String name, Class<V> valueType, String key, int partitions, boolean compacted) {
    this(name, valueType, key, partitions, compacted, RECORD_LIMIT);
  }

  /** The artifact id the Apicurio serdes use for the value schema (TopicIdStrategy). */
  public String valueArtifactId() {
    return name + "-value";
  }

  /** The topic as Kafka's admin client creates it. */
  public NewTopic newTopic(short replicationFactor) {
    return new NewTopic(name, partitions, replicationFactor)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)));
  }
}
