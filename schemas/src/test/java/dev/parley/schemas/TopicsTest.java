package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The catalog decides every topic's record limit and retention, and every producer may send what the largest takes. */
class TopicsTest {

  @Test
  void shouldCreateEveryTopicWithItsDeliberateRecordLimitWithinWhatProducersSend() {
    for (Topic<?> topic : Topics.ALL) {
      var created = topic.newTopic((short) 1);
      assertThat(created.configs()).as(topic.name()).containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
          Integer.toString(topic.maxMessageBytes()));
      assertThat(topic.maxMessageBytes()).as(topic.name()).isBetween(Topic.RECORD_LIMIT, Topic.MAX_REQUEST_BYTES);
    }
    assertThat(Topics.DEAD_LETTERS.maxMessageBytes()).as("a dead letter holds a whole record and why")
        .isGreaterThan(Topic.RECORD_LIMIT + 16 * 1024);
  }

  @Test
  void shouldKeepTheConversationLogForAYearAndRawPayloadsForAMonth() {
    for (var source : dev.parley.schemas.audit.ConversationLog.values()) {
      assertThat(source.topic.newTopic((short) 1).configs()).as(source.topic.name())
          .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(java.time.Duration.ofDays(365).toMillis()));
    }
    assertThat(Topics.DEAD_LETTERS.retention()).as("raw payloads").isEqualTo(java.time.Duration.ofDays(30));
    assertThat(Topics.REPLY_CHUNKS.retention()).isEqualTo(java.time.Duration.ofDays(1));
  }

  @Test
  void shouldGiveEveryTopicThatDeletesARetentionAndNoneToCompactedOnes() {
    for (Topic<?> topic : Topics.ALL) {
      var configs = topic.newTopic((short) 1).configs();
      if (topic.compacted()) {
        assertThat(configs).as(topic.name()).doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG)
            .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      } else {
        assertThat(configs).as(topic.name() + ": never the broker's default week by accident").containsKey(TopicConfig.RETENTION_MS_CONFIG);
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Topic.kept("x", dev.parley.events.InboundMessage.class, "k", 1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
