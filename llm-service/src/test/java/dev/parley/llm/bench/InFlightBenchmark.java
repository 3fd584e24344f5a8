package dev.parley.llm.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How many turns a second one llm-service instance answers when every model call takes 200 ms,
 * all turns on ONE partition (the worst case for partition-bound consumers), 500 conversations of
 * 4 turns each, for in-flight limits of 1, 3 (a listener per partition with 3 threads) and 256.
 * Prints the figures; compare the ratios measured in one run (these machines are shared).
 *
 * <pre>mvn -pl llm-service test -Dtest=InFlightBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Not part of the test suite (the name matches no Surefire pattern): it asserts nothing.
 */
class InFlightBenchmark {

  private static final int CONVERSATIONS = 500;
  private static final int TURNS_EACH = 4;
  private static final long MODEL_MS = 200;

  @Test
  void printThroughputForInFlightLimits() throws Exception {
    System.out.printf("%n%d turns (%d conversations x %d), model call %d ms, one partition%n",
        CONVERSATIONS * TURNS_EACH, CONVERSATIONS, TURNS_EACH, MODEL_MS);
    double base = 0;
    for (int limit : new int[] {1, 3, 256}) {
      double perSecond = run(limit, limit == 1 ? 40 : limit == 3 ? 120 : CONVERSATIONS * TURNS_EACH);
      base = base == 0 ? perSecond : base;
      System.out.printf("in flight %4d: %8.1f turns/s  (x%.0f)%n", limit, perSecond, perSecond / base);
    }
  }

  /** Answers {@code turns} turns (a slice for the slow settings) and returns turns per second. */
  private static double run(int inFlight, int turns) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    try {
      var work = new dev.parley.llm.dispatch.BenchmarkAccess(pool);
      CountDownLatch done = new CountDownLatch(turns);
      long started = System.nanoTime();
      for (int i = 0; i < turns; i++) {
        String conversation = "conversation-" + (i % CONVERSATIONS);
        work.submit(conversation, InFlightBenchmark::model, done::countDown);
      }
      if (!done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("benchmark did not finish");
      }
      return turns / ((System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void model() {
    try {
      Thread.sleep(MODEL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
