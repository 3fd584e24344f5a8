package dev.parley.context.transcript;

import dev.parley.context.SideStreams;
import dev.parley.context.conversation.DeadLetterOnProcessingError;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The transcript index application ({@code parley-transcripts}, {@link TranscriptIndexTopology})
 * beside the conversations one. At least once, not exactly once: adding an offset the index holds
 * changes nothing, so a record read twice after a crash is harmless, and the index costs no
 * transactions. It reads committed records only, so it never points at an aborted one.
 */
public class TranscriptStreams extends SideStreams {

  /**
   * The index adds offsets to sets: the order records of different topics are processed in does
   * not matter, so a task never waits for its quiet topics' partitions to have data. (Waiting also
   * cost a formatted log line per loop: JFR found half the rebuild's CPU in
   * PartitionGroup.readyToProcess's String.format.)
   */
  static final long NEVER_WAIT = StreamsConfig.MAX_TASK_IDLE_MS_DISABLED;

  private static final int FETCH_MIN_BYTES = 256 * 1024;

  public TranscriptStreams(Map<String, Object> streamsConfig, String applicationId, Duration commitInterval,
      MeterRegistry meters, Workers workers) {
    super(streamsConfig, "transcriptStreams", Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
        StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed",
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis(),
        StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, NEVER_WAIT,
        // Fetch in bulk: the index reads 66 partitions of which a few have a record now and then;
        // fetching as soon as any has one kept its thread polling (JFR: 70 % of its samples in
        // poll at 100 turns/s). Events reach the index within half a second instead.
        StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), FETCH_MIN_BYTES,
        StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 500,
        DeadLetterOnProcessingError.ANSWER_CUSTOMERS, false),
        TranscriptIndexTopology::define, meters, workers);
  }

  /** The instance holding a conversation's offsets. */
  HostInfo owner(String conversationKey) {
    return owner(TranscriptIndexTopology.INDEX_STORE, conversationKey, new StringSerializer());
  }

  /** This instance's offsets of a conversation; empty when it has none. */
  Optional<ConversationOffsets> offsets(String conversationKey) {
    ReadOnlyKeyValueStore<String, byte[]> index = queries().retrieveQueryableStore(
        TranscriptIndexTopology.INDEX_STORE, QueryableStoreTypes.keyValueStore());
    return Optional.ofNullable(index.get(conversationKey)).map(ConversationOffsets::decode);
  }
}
