package dev.parley.context.conversation;

import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationCommand;
import dev.parley.events.InboundMessage;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * context-service's whole topology under {@link TopologyTestDriver} (RocksDB stores, as in
 * production), fed with turns and commands on a wall clock the caller moves: for tests and
 * benchmarks of what the conversation processor keeps.
 */
public final class ConversationDriver implements AutoCloseable {

  /** Parley's meters, as the topology counts into them. */
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AiMeters meters = new AiMeters(registry);

  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, InboundMessage> inbound;
  private final TestInputTopic<String, ConversationCommand> commands;

  public ConversationDriver(Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "context-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ctx-test-" + UUID.randomUUID());
    driver = new TopologyTestDriver(ConversationTopology.build(ConversationTopology.Settings.defaults(), serdes, meters), props, wallClock);
    inbound = driver.createInputTopic(Topics.INBOUND_MESSAGES.name(), Serdes.String().serializer(),
        serdes.valueSerde(Topics.INBOUND_MESSAGES).serializer());
    commands = driver.createInputTopic(Topics.CONVERSATION_COMMANDS.name(), Serdes.String().serializer(),
        serdes.valueSerde(Topics.CONVERSATION_COMMANDS).serializer());
  }

  /** A customer's message over the API channel (no debounce: it is a turn at once). */
  public void turn(String tenantId, String conversationId, String userId, String customerId, String text) {
    inbound.pipeInput(Keys.of(tenantId, conversationId), InboundMessage.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(tenantId)
        .setConversationId(conversationId)
        .setMessageId(UUID.randomUUID().toString())
        .setUserId(userId)
        .setText(text)
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.API).build())
        .setCustomerId(customerId)
        .setReceivedAt(Instant.now())
        .build());
  }

  /** A command (Escalate, ChangeStatus, ...) for a conversation. */
  public void command(String tenantId, String conversationId, Object change) {
    commands.pipeInput(Keys.of(tenantId, conversationId), ConversationCommand.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(tenantId)
        .setConversationId(conversationId)
        .setRequestedBy("tester")
        .setChange(change)
        .setCreatedAt(Instant.now())
        .build());
  }

  public void advance(Duration time) {
    driver.advanceWallClockTime(time);
  }

  public <V> KeyValueStore<String, V> store(String name) {
    return driver.getKeyValueStore(name);
  }

  @Override
  public void close() {
    driver.close();
  }
}
