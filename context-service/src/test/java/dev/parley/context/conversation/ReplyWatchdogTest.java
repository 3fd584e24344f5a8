package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.ChannelInfo;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Intent;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import dev.parley.schemas.RegistryFreeSerdes;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The watchdog keeps its watched turns in deadline order in memory beside its store; a restarted
 * task (a new watchdog on the restored store) must rebuild that order and still answer every
 * overdue turn, oldest first, and none that was answered.
 */
class ReplyWatchdogTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Instant FORMED = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void aRestartedWatchdogStillAnswersTheTurnsWatchedBeforeInOrder() throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "watchdog-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    MockProcessorContext<String, EnrichedTurn> context = new MockProcessorContext<>(props, new TaskId(0, 0),
        Files.createTempDirectory("watchdog").toFile());
    KeyValueStore<String, EnrichedTurn> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ConversationTopology.AWAITING_REPLIES_STORE), Serdes.String(),
            new RegistryFreeSerdes().valueSerde(EnrichedTurn.class))
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);

    ReplyWatchdog before = new ReplyWatchdog(DEADLINE, Duration.ofSeconds(1));
    before.init(context);
    before.process(new Record<>("acme-motors:conv-2", new ReplyWatchdog.Start(turn("t-late", "conv-2", FORMED.plusSeconds(5))), 0));
    before.process(new Record<>("acme-motors:conv-1", new ReplyWatchdog.Start(turn("t-early", "conv-1", FORMED)), 0));
    before.process(new Record<>("acme-motors:conv-1", new ReplyWatchdog.Start(turn("t-answered", "conv-1", FORMED.plusSeconds(1))), 0));
    before.process(new Record<>("acme-motors:conv-1", new ReplyWatchdog.Stop("t-answered"), 0));
    before.close();

    MockProcessorContext<String, EnrichedTurn> restarted = new MockProcessorContext<>(props, new TaskId(0, 0),
        Files.createTempDirectory("watchdog").toFile());
    restarted.addStateStore(store);
    ReplyWatchdog after = new ReplyWatchdog(DEADLINE, Duration.ofSeconds(1));
    after.init(restarted);
    var tick = restarted.scheduledPunctuators().get(0).getPunctuator();

    tick.punctuate(FORMED.plus(DEADLINE).minusMillis(1).toEpochMilli());
    assertThat(restarted.forwarded()).as("nothing due yet").isEmpty();
    tick.punctuate(FORMED.plus(DEADLINE).plusSeconds(10).toEpochMilli());

    List<String> answered = restarted.forwarded().stream().map(forwarded -> forwarded.record().value().getEventId().toString()).toList();
    List<String> keys = restarted.forwarded().stream().map(forwarded -> (String) forwarded.record().key()).toList();
    assertThat(answered).as("oldest first, the answered one not at all").containsExactly("t-early", "t-late");
    assertThat(keys).containsExactly("acme-motors:conv-1", "acme-motors:conv-2");
    assertThat(store.approximateNumEntries()).as("no longer watched").isZero();
  }

  private static EnrichedTurn turn(String id, String conversation, Instant formed) {
    UserTurn userTurn = UserTurn.newBuilder().setEventId(id).setTenantId("acme-motors").setConversationId(conversation)
        .setMessageIds(List.of("m-" + id)).setUserId("u").setText("text").setChannel(ChannelInfo.newBuilder().build())
        .setFirstReceivedAt(formed).setCreatedAt(formed).build();
    return EnrichedTurn.newBuilder().setEventId(id).setTenantId("acme-motors").setConversationId(conversation)
        .setTurn(userTurn).setHistory(List.of()).setIntent(new Intent("other", 0.9))
        .setAnalysis(new TurnAnalysis("en", List.of(), 0.0, 0)).setCreatedAt(formed).build();
  }
}
