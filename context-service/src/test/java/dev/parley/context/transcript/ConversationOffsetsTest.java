package dev.parley.context.transcript;

import dev.parley.schemas.audit.ConversationLog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationOffsetsTest {

  @Test
  void keepsEachTopicsOffsetsAscendingAndOnceEach() {
    ConversationOffsets offsets = ConversationOffsets.empty(4)
        .with("parley.replies", 10)
        .with("parley.replies", 3) // read again after a restart, or out of order: placed in order
        .with("parley.inbound-messages", 7)
        .with("parley.replies", 42)
        .with("parley.replies", 10);

    assertThat(offsets.partition()).isEqualTo(4);
    assertThat(offsets.offsets("parley.replies")).containsExactly(3, 10, 42);
    assertThat(offsets.offsets("parley.inbound-messages")).containsExactly(7);
    assertThat(offsets.offsets("parley.turns")).isEmpty();
    assertThat(offsets.size()).isEqualTo(4);
  }

  @Test
  void addingAnOffsetItHoldsChangesNothing() {
    ConversationOffsets offsets = ConversationOffsets.empty(0).with("parley.turns", 5);
    assertThat(offsets.with("parley.turns", 5)).isSameAs(offsets);
  }

  @Test
  void survivesEncodingWithLargeOffsets() {
    ConversationOffsets offsets = ConversationOffsets.empty(5)
        .with("parley.tool-calls", 9_000_000_000L).with("parley.tool-calls", 1).with("parley.replies", 0);

    ConversationOffsets decoded = ConversationOffsets.decode(offsets.encode());

    assertThat(decoded.partition()).isEqualTo(5);
    assertThat(decoded.offsets("parley.tool-calls")).containsExactly(1, 9_000_000_000L);
    assertThat(decoded.offsets("parley.replies")).containsExactly(0);
    assertThat(decoded.dropped()).isZero();
  }

  @Test
  void aThousandEventsTakeAboutTwoKilobytes() {
    ConversationOffsets offsets = ConversationOffsets.empty(1);
    for (int i = 0; i < 1_000; i++) {
      offsets = offsets.with(ConversationLog.values()[i % ConversationLog.values().length].topic.name(), 1_000_000L + i * 37L);
    }
    assertThat(offsets.encode().length).isLessThan(2_500);
  }

  @Test
  void countsWhatTheCapLeavesOut() {
    ConversationOffsets offsets = ConversationOffsets.empty(0);
    for (int i = 0; i < ConversationOffsets.MAX_PER_TOPIC + 3; i++) {
      offsets = offsets.with("parley.replies", i);
    }
    ConversationOffsets decoded = ConversationOffsets.decode(offsets.encode());
    assertThat(decoded.offsets("parley.replies")).hasSize(ConversationOffsets.MAX_PER_TOPIC);
    assertThat(decoded.dropped()).isEqualTo(3);
  }
}
