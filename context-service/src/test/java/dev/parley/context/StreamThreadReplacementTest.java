package dev.parley.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadReplacementTest {

  private Instant now = Instant.parse("2026-12-02T10:00:00Z");
  private final Clock clock = new Clock() {
    public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
    public Clock withZone(java.time.ZoneId zone) { return this; }
    public Instant instant() { return now; }
  };

  @Test
  void shouldReplaceDeadThreadsButShutDownWhenTheyKeepDyingSoTheInstanceIsRestarted() {
    var handler = new StreamThreadReplacement(3, Duration.ofMinutes(5), clock);
    RuntimeException cause = new IllegalStateException("broker gone");

    for (int i = 0; i < 3; i++) {
      assertThat(handler.handle(cause)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
      now = now.plusSeconds(10);
    }
    assertThat(handler.handle(cause)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void shouldForgetDeathsOlderThanTheWindow() {
    var handler = new StreamThreadReplacement(2, Duration.ofMinutes(5), clock);
    handler.handle(new IllegalStateException("a"));
    handler.handle(new IllegalStateException("b"));

    now = now.plus(Duration.ofMinutes(6));

    assertThat(handler.handle(new IllegalStateException("c"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }
}
