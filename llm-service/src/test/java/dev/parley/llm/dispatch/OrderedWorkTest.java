package dev.parley.llm.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedWorkTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(256);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void shouldRunTasksOfDifferentKeysAtOnceUpToThePoolSize() throws Exception {
    OrderedWork work = new OrderedWork();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(300);

    for (int i = 0; i < 300; i++) { // as if one partition held 300 conversations
      work.submit("conversation-" + i, pool, () -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        await(release);
        running.decrementAndGet();
      }, finished::countDown);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running.get() < 256 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(work.inFlight()).isEqualTo(300);
    assertThat(running.get()).isEqualTo(256);
    release.countDown();
    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(peak.get()).isEqualTo(256);
    assertThat(work.inFlight()).isZero();
  }

  @Test
  void shouldKeepEachKeysTasksInOrderAndOneAtATime() throws Exception {
    OrderedWork work = new OrderedWork();
    List<String> log = new CopyOnWriteArrayList<>();
    java.util.Map<String, AtomicInteger> runningPerKey = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger(); // counted here, asserted on the test thread
    CountDownLatch finished = new CountDownLatch(60);

    for (int i = 0; i < 20; i++) {
      for (String key : List.of("a", "b", "c")) {
        int turn = i;
        work.submit(key, pool, () -> {
          AtomicInteger running = runningPerKey.computeIfAbsent(key, k -> new AtomicInteger());
          if (running.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          log.add(key + turn);
          sleep(1);
          running.decrementAndGet();
        }, finished::countDown);
      }
    }

    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps).as("two tasks of one key at the same time").hasValue(0);
    for (String key : List.of("a", "b", "c")) {
      assertThat(log.stream().filter(entry -> entry.startsWith(key)).toList())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> key + i).toList());
    }
  }

  @Test
  void shouldGoOnWithKeyAfterItsTaskFailed() throws Exception {
    OrderedWork work = new OrderedWork();
    CountDownLatch finished = new CountDownLatch(2);
    List<String> ran = new CopyOnWriteArrayList<>();

    work.submit("a", pool, () -> {
      throw new IllegalStateException("boom");
    }, finished::countDown);
    work.submit("a", pool, () -> ran.add("second"), finished::countDown);

    assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("second");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
