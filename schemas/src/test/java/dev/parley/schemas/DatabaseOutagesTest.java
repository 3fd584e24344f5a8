package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class DatabaseOutagesTest {

  @Test
  void shouldTreatAnUnreachableDatabaseAsAnOutageWhereverItIsInTheCauses() {
    assertThat(DatabaseOutages.isOutage(new IllegalStateException("turn failed",
        new DataAccessResourceFailureException("Failed to obtain R2DBC Connection")))).isTrue();
    assertThat(DatabaseOutages.isOutage(new RuntimeException(new java.net.ConnectException("refused")))).isTrue();
  }

  @Test
  void shouldNotWaitForFailuresThatAreNotTheDatabaseBeingDown() {
    assertThat(DatabaseOutages.isOutage(new IllegalArgumentException("a bug"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new org.springframework.dao.DataIntegrityViolationException("duplicate"))).isFalse();
  }

  @Test
  void shouldAnswerTheTurnOnceTheDatabaseIsBackAndGiveUpOnOtherFailuresAtOnce() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    String answer = DatabaseOutages.retry().executeCallable(() -> {
      if (attempts.incrementAndGet() < 3) {
        throw new DataAccessResourceFailureException("database restarting");
      }
      return "answered";
    });
    assertThat(answer).isEqualTo("answered");
    assertThat(attempts).hasValue(3);

    AtomicInteger buggy = new AtomicInteger();
    assertThatThrownBy(() -> DatabaseOutages.retry().executeCallable(() -> {
      buggy.incrementAndGet();
      throw new IllegalStateException("a bug");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(buggy).hasValue(1);
  }
}
