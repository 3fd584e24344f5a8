package dev.parley.context.transcript;

import dev.parley.schemas.audit.ConversationLog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.schemas.Topics;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TranscriptIndexTopologyTest {

  private TopologyTestDriver driver;
  private KeyValueStore<String, byte[]> index;

  @BeforeEach
  void start() {
    StreamsBuilder builder = new StreamsBuilder();
    TranscriptIndexTopology.define(builder);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "transcripts-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(builder.build(), config);
    index = driver.getKeyValueStore(TranscriptIndexTopology.INDEX_STORE);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void indexesEveryConversationTopicsRecordsByConversationWithoutDecodingThem() {
    TestInputTopic<String, byte[]> messages = input(Topics.INBOUND_MESSAGES.name());
    TestInputTopic<String, byte[]> replies = input(Topics.REPLIES.name());
    TestInputTopic<String, byte[]> deliveries = input(Topics.DELIVERY_RECEIPTS.name());

    messages.pipeInput("acme:c-1", new byte[] {1}); // offset 0
    messages.pipeInput("acme:c-2", new byte[] {2}); // offset 1: another conversation
    messages.pipeInput("acme:c-1", "not even Avro".getBytes()); // offset 2
    replies.pipeInput("acme:c-1", new byte[] {3}); // offset 0
    deliveries.pipeInput("acme:c-2", new byte[] {4});
    deliveries.pipeInput("acme:c-1", new byte[] {5}); // offset 1

    ConversationOffsets first = ConversationOffsets.decode(index.get("acme:c-1"));
    assertThat(first.offsets(Topics.INBOUND_MESSAGES.name())).containsExactly(0, 2);
    assertThat(first.offsets(Topics.REPLIES.name())).containsExactly(0);
    assertThat(first.offsets(Topics.DELIVERY_RECEIPTS.name())).containsExactly(1);
    ConversationOffsets second = ConversationOffsets.decode(index.get("acme:c-2"));
    assertThat(second.offsets(Topics.INBOUND_MESSAGES.name())).containsExactly(1);
    assertThat(second.offsets(Topics.DELIVERY_RECEIPTS.name())).containsExactly(0);
    assertThat(second.offsets(Topics.REPLIES.name())).isEmpty();
  }

  @Test
  void readsEveryConversationLogAndNotTheChunks() {
    assertThat(driver.producedTopicNames()).isEmpty();
    assertThat(ConversationLog.topicNames()).doesNotContain(Topics.REPLY_CHUNKS.name(), Topics.CONVERSATIONS.name())
        .contains(Topics.TOOL_CALLS.name(), Topics.CONVERSATION_EVENTS.name(), Topics.COMMAND_OUTCOMES.name());
    for (String topic : ConversationLog.topicNames()) {
      input(topic).pipeInput("t:every", new byte[] {0});
    }
    assertThat(ConversationOffsets.decode(index.get("t:every")).all().keySet())
        .containsExactlyInAnyOrderElementsOf(ConversationLog.topicNames());
  }

  private TestInputTopic<String, byte[]> input(String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }
}
