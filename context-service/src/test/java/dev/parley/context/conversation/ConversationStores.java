package dev.parley.context.conversation;

import dev.parley.events.ConversationState;
import dev.parley.schemas.RegistryFreeSerdes;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One task's conversation store and index as RocksDB stores, outside a driver: for a benchmark
 * that fills them with more conversations than {@link ConversationDriver} can take in reasonable
 * time (the driver commits, flushing every store, after each record). The index is built the way
 * a task builds it at start for state from before the index.
 */
public final class ConversationStores implements AutoCloseable {

  private final MockProcessorContext<Object, Object> context;
  private final List<StateStore> opened = new ArrayList<>();
  public final KeyValueStore<String, ConversationState> conversations;
  public final KeyValueStore<String, String> index;
  public final KeyValueStore<String, Long> counts;

  public ConversationStores(Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "context-bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    File dir = stateDir.toFile();
    context = new MockProcessorContext<>(props, new TaskId(0, 0), dir);
    conversations = rocksDb(ConversationTopology.CONVERSATIONS_STORE, new RegistryFreeSerdes().valueSerde(ConversationState.class));
    index = rocksDb(ConversationIndex.STORE, Serdes.String());
    counts = rocksDb(ConversationIndex.COUNTS_STORE, Serdes.Long());
  }

  /** Another RocksDB store of the same task (profiles, for instance). */
  public <V> KeyValueStore<String, V> rocksDb(String name, Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    opened.add(store);
    return store;
  }

  /** Indexes the conversations as a task does at start when its index is not built yet. */
  public void buildIndex() {
    new ConversationIndex(index, counts).buildIfMissing(conversations);
  }

  @Override
  public void close() {
    opened.forEach(StateStore::close);
  }
}
