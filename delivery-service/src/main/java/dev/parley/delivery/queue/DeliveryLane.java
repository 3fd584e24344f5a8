package dev.parley.delivery.queue;

import dev.parley.delivery.channel.DeliveryException;
import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.queue.PendingDeliveries.Lane;
import dev.parley.delivery.queue.PendingDeliveries.Outcome;
import dev.parley.delivery.queue.PendingDeliveries.Pending;
import dev.parley.events.DeliveryStatus;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One target's queue in one partition: sends its rows one at a time, in the order they were
 * queued, so a conversation's messages reach the target in order. A failing target waits here,
 * between attempts, on a timer; a hanging one on its own HTTP call. Neither holds a thread, so
 * neither holds back any other lane.
 *
 * <p>The lane is a small state machine run as steps on the shared scheduler, never two steps at a
 * time. A step that fails on the database or the broker is run again after a pause, alone: a send
 * that went out is recorded, never repeated for that.
 */
final class DeliveryLane {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLane.class);
  private static final int PAGE = 100;
  private static final Duration PAUSE_ON_STORE_FAILURE = Duration.ofSeconds(2);

  private final Lane lane;
  private final LaneContext context;
  /** What was read of the lane, head first. Rows leave the table as they leave here. */
  private final Deque<Pending> queue = new ArrayDeque<>();
  /** A step is running, scheduled, or awaiting a send's answer. */
  private final AtomicBoolean busy = new AtomicBoolean();
  /** Rows may have been queued since the last read. */
  private volatile boolean more = true;
  private volatile boolean stopped;
  /** The scheduled step only waits for the head to fall due: stopping may cancel it. */
  private volatile boolean waiting;
  private volatile ScheduledFuture<?> timer;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  DeliveryLane(Lane lane, LaneContext context) {
    this.lane = lane;
    this.context = context;
  }

  /** Rows were queued: send them unless the lane is at it already. */
  void wake() {
    more = true;
    if (!stopped && busy.compareAndSet(false, true)) {
      schedule(this::next, Duration.ZERO);
    }
  }

  /**
   * Sends nothing more; completes once an answer being awaited is recorded (the partition's next
   * owner must not send it again).
   */
  CompletableFuture<Void> stop() {
    stopped = true;
    ScheduledFuture<?> pending = timer;
    if (waiting && pending != null && pending.cancel(false)) {
      busy.set(false);
    }
    if (!busy.get()) {
      finished.complete(null);
    }
    return finished;
  }

  private void next() {
    if (stopped || !context.owns(lane)) {
      stopped = true;
      idle();
      return;
    }
    if (queue.isEmpty()) {
      more = false;
      queue.addAll(context.store().next(lane, PAGE)); // all rows left are unsent: each leaves the table when done
    }
    Pending head = queue.peek();
    if (head == null) {
      idle();
      return;
    }
    if (head.outcome() != null) {
      receipt(head); // done before a crash or a failed step: only its receipt is owed
      return;
    }
    Duration untilDue = Duration.between(Instant.now(), head.dueAt());
    if (!untilDue.isNegative() && !untilDue.isZero()) {
      waitThenNext(untilDue);
      return;
    }
    ConsumptionProbe allowed = context.limit(lane.target()).tryConsumeAndReturnRemaining(1);
    if (!allowed.isConsumed()) {
      waitThenNext(Duration.ofNanos(allowed.getNanosToWaitForRefill()));
      return;
    }
    Outgoing outgoing = context.decode(head);
    Optional<Outbound> outbound = context.outbound(head, outgoing);
    if (outbound.isEmpty()) {
      giveUp(head, outgoing, "the webhook " + lane.target() + " is no longer registered", () -> { });
      return;
    }
    int attempt = head.attempts() + 1;
    Mono.defer(() -> outbound.get().send(outgoing)).subscribe(null,
        error -> schedule(() -> failed(head, outgoing, attempt, error), Duration.ZERO),
        () -> schedule(() -> sent(head, attempt), Duration.ZERO));
  }

  private void sent(Pending head, int attempt) {
    context.store().delivered(head.id(), attempt);
    replaceHead(head.retryAt(attempt, head.dueAt(), null).done(Outcome.DELIVERED, null, null));
    receipt(queue.peek());
  }

  private void failed(Pending head, Outgoing outgoing, int attempt, Throwable error) {
    DeliveryException failure = error instanceof DeliveryException known ? known
        : new DeliveryException("could not be sent: " + error.getClass().getSimpleName(), false, error);
    if (failure.retriable() && attempt < context.retries().maxAttempts()) {
      Instant due = Instant.now().plus(context.retries().backoff(attempt));
      context.store().retryAt(head.id(), attempt, due, failure.getMessage());
      replaceHead(head.retryAt(attempt, due, failure.getMessage()));
      schedule(() -> {
        context.receipts().write(outgoing, lane.target(), head.channel(), DeliveryStatus.FAILED, attempt, failure.getMessage());
        next();
      }, Duration.ZERO);
      return;
    }
    replaceHead(head.retryAt(attempt, head.dueAt(), failure.getMessage()));
    giveUp(queue.peek(), outgoing, failure.getMessage(), () -> context.receipts().write(outgoing, lane.target(), head.channel(),
        DeliveryStatus.FAILED, attempt, failure.getMessage()));
  }

  /**
   * Records the outcome first (a crash after it repeats no attempt and no receipt), then publishes
   * the last attempt's receipt if there was one, then what the outcome owes.
   */
  private void giveUp(Pending head, Outgoing outgoing, String reason, Runnable lastAttemptReceipt) {
    long failureId = context.store().gaveUp(head.id(), head.attempts(), outgoing, reason);
    log.warn("giving up on {} {} to {} after {} attempts: {}", outgoing.kind(), outgoing.id(), lane.target(),
        head.attempts(), reason);
    replaceHead(head.done(Outcome.DEAD_LETTERED, failureId, reason));
    schedule(() -> {
      lastAttemptReceipt.run();
      schedule(() -> receipt(queue.peek()), Duration.ZERO);
    }, Duration.ZERO);
  }

  /**
   * Publishes what a done row owes (its dead letter, its receipt), then forgets the row: each its
   * own step, so a step run again after a broker failure repeats only itself.
   */
  private void receipt(Pending done) {
    Outgoing outgoing = context.decode(done);
    Runnable forget = () -> {
      context.store().remove(done.id());
      queue.poll();
      next();
    };
    if (done.outcome() == Outcome.DELIVERED) {
      context.receipts().write(outgoing, lane.target(), done.channel(), DeliveryStatus.DELIVERED, done.attempts(),
          "delivered to " + lane.target());
      schedule(forget, Duration.ZERO);
      return;
    }
    context.deadLetter(done, outgoing);
    schedule(() -> {
      context.receipts().write(outgoing, lane.target(), done.channel(), DeliveryStatus.DEAD_LETTERED, done.attempts(),
          "dead-lettered as #" + done.failureId() + ": " + done.lastError());
      schedule(forget, Duration.ZERO);
    }, Duration.ZERO);
  }

  private void replaceHead(Pending head) {
    queue.poll();
    queue.addFirst(head);
  }

  private void idle() {
    busy.set(false);
    if (stopped) {
      finished.complete(null);
    } else if (more && busy.compareAndSet(false, true)) {
      schedule(this::next, Duration.ZERO); // queued while this step found nothing
    }
  }

  private void waitThenNext(Duration delay) {
    schedule(this::next, delay, true);
  }

  private void schedule(Runnable step, Duration delay) {
    schedule(step, delay, false);
  }

  /**
   * Runs a step later; a step failing on the database or the broker is run again after a pause,
   * also when stopping (what was sent must be recorded; {@code next} stops by itself).
   */
  private void schedule(Runnable step, Duration delay, boolean cancellable) {
    waiting = cancellable;
    timer = context.scheduler().schedule(() -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        log.warn("lane {} of {}-{} pauses: {}", lane.target(), lane.topic(), lane.partition(), e.toString());
        schedule(step, PAUSE_ON_STORE_FAILURE);
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
