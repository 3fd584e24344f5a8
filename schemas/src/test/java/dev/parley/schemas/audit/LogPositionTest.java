package dev.parley.schemas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogPositionTest {

  @Test
  void readsWhatItWrites() {
    LogPosition position = new LogPosition("parley.replies", 3, 1042);
    assertThat(LogPosition.parse(position.toString())).isEqualTo(position);
  }

  @Test
  void refusesPositionsOffTheConversationLogOrMalformed() {
    assertThatThrownBy(() -> LogPosition.parse("parley.ref.customers/0/1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic/partition/offset");
    assertThatThrownBy(() -> LogPosition.parse("parley.replies/-1/4")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogPosition.parse("parley.replies/1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogPosition.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogPosition.parse("parley.replies/1/99999999999999999999")).isInstanceOf(IllegalArgumentException.class);
  }
}
