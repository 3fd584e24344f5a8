package dev.parley.context.transcript;

import dev.parley.schemas.audit.ConversationLog;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The transcript index: for every conversation, where its records are in each
 * {@link ConversationLog}. It reads keys and record positions only — values stay undecoded bytes —
 * so keeping it costs a store update per event, not an Avro decode.
 *
 * <p>The topics are co-partitioned, so one task sees a conversation's records of every topic, and
 * the store is keyed like them ({@code tenantId:conversationId}).
 */
public final class TranscriptIndexTopology {

  public static final String INDEX_STORE = "transcript-index";

  public static void define(StreamsBuilder builder) {
    define(builder, true);
  }

  /**
   * @param logged false for a throw-away copy ({@link IndexRebuild}): no changelog, so rebuilding
   *               writes nothing to the broker
   */
  static void define(StreamsBuilder builder, boolean logged) {
    var store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled();
    builder.addStateStore(logged ? store : store.withLoggingDisabled());
    builder.stream(ConversationLog.topicNames(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Indexer::new, INDEX_STORE);
  }

  /** Adds each record's position to its conversation's offsets. */
  static final class Indexer implements Processor<String, byte[], Void, Void> {

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> index;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.index = context.getStateStore(INDEX_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      RecordMetadata position = context.recordMetadata().orElse(null);
      if (record.key() == null || position == null) {
        return; // not a conversation's record (conversation topics are always keyed)
      }
      byte[] known = index.get(record.key());
      ConversationOffsets offsets = known == null
          ? ConversationOffsets.empty(position.partition()) : ConversationOffsets.decode(known);
      ConversationOffsets updated = offsets.with(position.topic(), position.offset());
      if (updated != offsets) {
        index.put(record.key(), updated.encode());
      }
    }
  }

  private TranscriptIndexTopology() {
  }
}
