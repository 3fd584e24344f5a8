package dev.parley.schemas.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Health tells the truth about background workers: dead is not alive, retrying is not ready. */
class WorkersHealthTest {

  private final Workers workers = new Workers();

  @Test
  void shouldBeAliveAndReadyWhileEveryWorkerRuns() {
    workers.register("turn-dispatcher").running();

    assertThat(WorkersHealth.alive(workers).health().getStatus()).isEqualTo(Status.UP);
    assertThat(WorkersHealth.ready(workers).health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void shouldBeNotReadyButAliveWhileAWorkerRetriesAndSayWhy() {
    workers.register("turn-dispatcher").running();
    workers.register("knowledge-loader").retrying(new IllegalStateException("database down"));

    assertThat(WorkersHealth.alive(workers).health().getStatus()).isEqualTo(Status.UP);
    var ready = WorkersHealth.ready(workers).health();
    assertThat(ready.getStatus()).isEqualTo(Status.DOWN);
    assertThat(ready.getDetails()).containsEntry("knowledge-loader", "RETRYING (IllegalStateException: database down)");
  }

  @Test
  void shouldBeDeadWhenAWorkerDiedAndAliveAgainOnceItIsStoppedOnPurpose() {
    Workers.Worker dispatcher = workers.register("turn-dispatcher");
    dispatcher.died(new IllegalStateException("fenced"));

    var alive = WorkersHealth.alive(workers).health();
    assertThat(alive.getStatus()).isEqualTo(Status.DOWN);
    assertThat(alive.getDetails()).containsEntry("turn-dispatcher", "DEAD (IllegalStateException: fenced)");

    dispatcher.stopped();
    assertThat(WorkersHealth.alive(workers).health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void shouldNotBeReadyBeforeAWorkerHasStarted() {
    workers.register("reply-consumer");

    assertThat(WorkersHealth.ready(workers).health().getStatus()).isEqualTo(Status.DOWN);
  }
}
