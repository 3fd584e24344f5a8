package dev.parley.llm.dispatch;

import java.util.concurrent.ExecutorService;

/** Lets the benchmark package drive the package-private {@link OrderedWork}. */
public final class BenchmarkAccess {

  private final OrderedWork work = new OrderedWork();
  private final ExecutorService pool;

  public BenchmarkAccess(ExecutorService pool) {
    this.pool = pool;
  }

  public void submit(String key, Runnable task, Runnable done) {
    work.submit(key, pool, task, done);
  }
}
