package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.CustomerProfile;
import dev.parley.events.Escalate;
import dev.parley.reference.Product;
import dev.parley.schemas.RegistryFreeSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConversationIndexTest {

  private static final String TENANT = "acme-motors";
  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private final ConversationDriver driver = new ConversationDriver(Instant.parse("2026-03-01T09:00:00Z"));
  private final MockProcessorContext<String, ConversationUpdate> context = new MockProcessorContext<>();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldHoldOneEntryPerRangeForEveryConversationAcrossUpdates() {
    changeConversationsInEveryWay();

    Map<String, String> index = contents(driver.store(ConversationIndex.STORE));
    Map<String, ConversationState> states = contents(driver.store(ConversationTopology.CONVERSATIONS_STORE));

    assertThat(index).hasSize(3 * states.size());
    states.values().forEach(state -> assertThat(index).containsKeys(
        ConversationIndex.entry(ConversationIndex.recent(TENANT), state),
        ConversationIndex.entry(ConversationIndex.byStatus(TENANT, state.getStatus().name()), state),
        ConversationIndex.entry(ConversationIndex.byOwner(TENANT, state.getUserId()), state)));
  }

  @Test
  void shouldKeepTheSameIndexAndCountsAsBuildingThemAfreshFromTheState() {
    changeConversationsInEveryWay();
    KeyValueStore<String, ConversationState> restored = copyOfConversations();
    KeyValueStore<String, String> index = inMemory(ConversationIndex.STORE, Serdes.String());
    KeyValueStore<String, Long> counts = inMemory(ConversationIndex.COUNTS_STORE, Serdes.Long());

    new ConversationIndex(index, counts).buildIfMissing(restored);

    assertThat(contents(index)).isEqualTo(contents(driver.store(ConversationIndex.STORE)));
    assertThat(contents(counts)).isEqualTo(contents(driver.store(ConversationIndex.COUNTS_STORE)));
  }

  @Test
  void shouldIndexConversationsRestoredFromBeforeTheIndexExistedWhenTheProcessorStarts() {
    changeConversationsInEveryWay();
    KeyValueStore<String, ConversationState> restored = copyOfConversations();
    KeyValueStore<String, String> index = inMemory(ConversationIndex.STORE, Serdes.String());
    KeyValueStore<String, Long> counts = inMemory(ConversationIndex.COUNTS_STORE, Serdes.Long());
    timestamped(ConversationTopology.INVENTORY_STORE, serdes.valueSerde(Product.class));
    timestamped(ConversationTopology.PROFILES_LOOKUP_STORE, serdes.valueSerde(CustomerProfile.class));

    new ConversationProcessor(20, 10, new TurnAnalyzer(), new ConversationDirector(ConversationDirector.standardRules()))
        .init(context);

    assertThat(contents(index)).isEqualTo(contents(driver.store(ConversationIndex.STORE)));
    assertThat(counts.get(ConversationIndex.byStatus(TENANT, "ESCALATED")))
        .isEqualTo(contents(restored).values().stream().filter(s -> s.getStatus() == ConversationStatus.ESCALATED).count());
    assertThat(context.scheduledPunctuators()).as("a commit asked for, so the built index is not left uncommitted").hasSize(1);
    assertThat(new ConversationIndex(index, counts).buildIfMissing(restored)).as("built once").isFalse();
  }

  /** New conversations, new messages, an escalation, a hand back, a close, from three users. */
  private void changeConversationsInEveryWay() {
    for (int i = 0; i < 6; i++) {
      driver.advance(Duration.ofSeconds(1));
      driver.turn(TENANT, "conv-" + i, "user-" + (i % 3), null, "hello, is the RAV4 available?");
    }
    driver.advance(Duration.ofSeconds(1));
    driver.command(TENANT, "conv-1", new Escalate("ESC-1", "asked for a person", "normal", "sales", "sales"));
    driver.advance(Duration.ofSeconds(1));
    driver.command(TENANT, "conv-2", new Escalate("ESC-2", "asked for a person", "normal", "sales", "sales"));
    driver.advance(Duration.ofSeconds(1));
    driver.command(TENANT, "conv-2", new ChangeStatus(ConversationStatus.ACTIVE));
    driver.advance(Duration.ofSeconds(1));
    driver.command(TENANT, "conv-3", new ChangeStatus(ConversationStatus.CLOSED));
    driver.advance(Duration.ofSeconds(1));
    driver.turn(TENANT, "conv-0", "user-0", null, "what about financing?");
  }

  private KeyValueStore<String, ConversationState> copyOfConversations() {
    KeyValueStore<String, ConversationState> copy = inMemory(ConversationTopology.CONVERSATIONS_STORE,
        serdes.valueSerde(ConversationState.class));
    contents(driver.<ConversationState>store(ConversationTopology.CONVERSATIONS_STORE)).forEach(copy::put);
    return copy;
  }

  private <V> KeyValueStore<String, V> inMemory(String name, Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private <V> void timestamped(String name, Serde<V> values) {
    var store = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  private static <V> Map<String, V> contents(KeyValueStore<String, V> store) {
    Map<String, V> contents = new TreeMap<>();
    try (var all = store.all()) {
      all.forEachRemaining(entry -> contents.put(entry.key, entry.value));
    }
    return contents;
  }
}
