package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class GroupMembershipTest {

  @Test
  void shouldMakeNoStaticMemberOfAnInstanceWithoutAName() {
    assertThat(GroupMembership.staticMember(null, "replies")).isEmpty();
    assertThat(GroupMembership.staticMember("  ", "replies")).isEmpty();
  }

  @Test
  void shouldNameEachConsumerOfAnInstanceApart() {
    assertThat(GroupMembership.staticMember("delivery-1", "reply-dispatcher"))
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "delivery-1-reply-dispatcher");
    assertThat(GroupMembership.staticMember("llm-1", null)).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "llm-1");
  }
}
