package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The catalog decides every topic's record limit, and every producer may send what the largest takes. */
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
}
