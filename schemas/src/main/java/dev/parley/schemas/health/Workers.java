package dev.parley.schemas.health;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service's background workers (consumer threads, followers, dispatchers) and how each is doing,
 * so health tells the truth: a worker that died makes the service not alive (restart it), one that
 * is retrying (its database is down, say) makes it not ready, while it keeps retrying.
 */
public final class Workers {

  /** How a worker is doing. */
  public enum State { STARTING, RUNNING, RETRYING, DEAD }

  /** What a worker last said, and when. */
  public record Status(State state, String reason, Instant since) {
  }

  private final Map<String, Status> states = new ConcurrentHashMap<>();

  /** A worker's handle, through which it reports. */
  public final class Worker {
    private final String name;

    private Worker(String name) {
      this.name = name;
      set(State.STARTING, null);
    }

    public void running() {
      if (states.get(name).state() != State.RUNNING) {
        set(State.RUNNING, null);
      }
    }

    /** Failing for now and trying again (a dependency is down): not ready, still alive. */
    public void retrying(Throwable cause) {
      set(State.RETRYING, describe(cause));
    }

    /** Stopped for good: the service is not alive any more and should be restarted. */
    public void died(Throwable cause) {
      set(State.DEAD, describe(cause));
    }

    /** Stopped on purpose (the service is shutting down): nothing to report. */
    public void stopped() {
      states.remove(name);
    }

    private void set(State state, String reason) {
      states.put(name, new Status(state, reason, Instant.now()));
    }
  }

  public Worker register(String name) {
    return new Worker(name);
  }

  /** Every worker's status, by name. */
  public Map<String, Status> snapshot() {
    return new TreeMap<>(states);
  }

  private static String describe(Throwable cause) {
    return cause == null ? null : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
