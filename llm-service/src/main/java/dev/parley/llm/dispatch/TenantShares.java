package dev.parley.llm.dispatch;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Runs each tenant's turns on the shared pool, at most {@code perTenant} at a time; the rest of a
 * tenant's turns wait here without holding a thread. A tenant whose model is slow (or whose
 * customers flood it) fills its own share, never the whole pool, so other tenants' turns go on.
 */
final class TenantShares {

  private final Executor pool;
  private final int perTenant;
  /** Tenants with turns running; every change of a share happens inside the map's compute, atomically. */
  private final Map<String, Share> shares = new ConcurrentHashMap<>();

  private static final class Share {
    final Queue<Runnable> waiting = new ArrayDeque<>();
    volatile int running;
  }

  TenantShares(Executor pool, int perTenant) {
    if (perTenant < 1) {
      throw new IllegalArgumentException("a tenant's share must be at least 1, got " + perTenant);
    }
    this.pool = pool;
    this.perTenant = perTenant;
  }

  /** An executor for one tenant's tasks. */
  Executor of(String tenant) {
    return task -> execute(tenant, task);
  }

  /** Turns of the tenant running now. */
  int running(String tenant) {
    Share share = shares.get(tenant);
    return share == null ? 0 : share.running;
  }

  /** Tenants with turns running or waiting: idle ones are forgotten. */
  int tenantsHeld() {
    return shares.size();
  }

  private void execute(String tenant, Runnable task) {
    boolean[] runNow = new boolean[1];
    shares.compute(tenant, (key, existing) -> {
      Share share = existing == null ? new Share() : existing;
      if (share.running < perTenant) {
        share.running++;
        runNow[0] = true;
      } else {
        share.waiting.add(task);
      }
      return share;
    });
    if (runNow[0]) {
      pool.execute(() -> runThenNext(tenant, task));
    }
  }

  private void runThenNext(String tenant, Runnable task) {
    try {
      task.run();
    } finally {
      Runnable[] next = new Runnable[1];
      shares.computeIfPresent(tenant, (key, share) -> {
        next[0] = share.waiting.poll();
        if (next[0] != null) {
          return share; // the freed place goes to the tenant's next turn
        }
        share.running--;
        return share.running == 0 ? null : share; // an idle tenant holds no memory
      });
      if (next[0] != null) {
        Runnable following = next[0];
        pool.execute(() -> runThenNext(tenant, following));
      }
    }
  }
}
