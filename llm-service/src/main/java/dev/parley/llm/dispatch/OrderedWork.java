package dev.parley.llm.dispatch;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many tasks at once while keeping each key's tasks in order: a task starts when the
 * previous task of its key has finished, on the executor it is submitted with. The number of tasks in
 * flight (running or waiting for their key) is counted, so the caller can stop taking work
 * (backpressure) when it reaches its limit. Independent of Kafka partitions: one partition's
 * conversations all run side by side.
 */
final class OrderedWork {

  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Queues the task behind its key's earlier tasks, to run on {@code executor}; {@code done} runs
   * after it, whatever happened.
   */
  void submit(String key, Executor executor, Runnable task, Runnable done) {
    inFlight.incrementAndGet();
    tails.compute(key, (k, tail) -> {
      CompletableFuture<Void> previous = tail == null ? CompletableFuture.completedFuture(null) : tail;
      CompletableFuture<Void> next = previous.handle((ignored, error) -> null).thenRunAsync(() -> {
        try {
          task.run();
        } finally {
          inFlight.decrementAndGet();
          done.run();
        }
      }, executor);
      // Forget the key once its last task is done, so idle conversations hold no memory.
      next.whenComplete((ignored, error) -> tails.remove(k, next));
      return next;
    });
  }

  int inFlight() {
    return inFlight.get();
  }
}
