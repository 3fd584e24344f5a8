package dev.parley.schemas;

import java.time.Duration;
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
 * @param retention  how long a record is kept (a delete-policy topic); null for a compacted topic,
 *                   which keeps the latest value of every key until a tombstone
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, String key, int partitions, boolean compacted, int maxMessageBytes, Duration retention) {

  /** Most topics: 1 MiB, Kafka's own default, set here so that it is a decision, not an accident. */
  public static final int RECORD_LIMIT = 1024 * 1024;
  /**
   * What every Parley producer may send in one request: the largest topic's limit (dead letters
   * carry another record whole, plus why it failed).
   */
  public static final int MAX_REQUEST_BYTES = 2 * RECORD_LIMIT + 64 * 1024;

  /** A compacted topic of records up to {@link #RECORD_LIMIT}. */
  public static <V extends SpecificRecord> Topic<V> compacted(String name, Class<V> valueType, String key, int partitions) {
    return new Topic<>(name, valueType, key, partitions, true, RECORD_LIMIT, null);
  }

  /** A topic of records up to {@link #RECORD_LIMIT}, each kept for the retention. */
  public static <V extends SpecificRecord> Topic<V> kept(String name, Class<V> valueType, String key, int partitions, Duration retention) {
    return new Topic<>(name, valueType, key, partitions, false, RECORD_LIMIT, retention);
  }

  public Topic {
    if (compacted == (retention != null)) {
      throw new IllegalArgumentException(name + ": a compacted topic keeps the latest of every key; a topic that deletes needs a retention");
    }
  }

  /** The artifact id the Apicurio serdes use for the value schema (TopicIdStrategy). */
  public String valueArtifactId() {
    return name + "-value";
  }

  /** The topic as Kafka's admin client creates it. */
  public NewTopic newTopic(short replicationFactor) {
    return new NewTopic(name, partitions, replicationFactor).configs(configs());
  }

  /** The topic's configuration: cleanup policy, largest record, retention. */
  public Map<String, String> configs() {
    Map<String, String> configs = new java.util.LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
    if (retention != null) {
      configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }
    return Map.copyOf(configs);
  }
}
