package dev.parley.llm.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private final TopicPartition p0 = new TopicPartition("parley.enriched-turns", 0);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void shouldCommitOnlyBelowTheOldestRecordStillInFlight() {
    for (long offset = 0; offset < 5; offset++) {
      tracker.started(p0, offset);
    }
    tracker.finished(p0, 1);
    tracker.finished(p0, 2);
    assertThat(tracker.toCommit().get(p0).offset()).isEqualTo(0);

    tracker.finished(p0, 0);
    assertThat(tracker.toCommit().get(p0).offset()).isEqualTo(3);

    tracker.finished(p0, 3);
    tracker.finished(p0, 4);
    assertThat(tracker.toCommit().get(p0).offset()).isEqualTo(5);
    assertThat(tracker.toCommit()).as("nothing new to commit").isEmpty();
  }

  @Test
  void shouldTellWhetherPartitionsStillHaveRecordsInFlight() {
    tracker.started(p0, 7);
    assertThat(tracker.hasPending(List.of(p0))).isTrue();

    tracker.finished(p0, 7);
    assertThat(tracker.hasPending(List.of(p0))).isFalse();
  }
}
