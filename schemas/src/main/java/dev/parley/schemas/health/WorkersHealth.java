package dev.parley.schemas.health;

import java.util.Map;
import java.util.Set;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link Workers} as health: {@link #alive} is DOWN when a worker died (the liveness group: restart
 * the service), {@link #ready} is DOWN while a worker is starting, retrying or dead (the readiness
 * group: send it no traffic). Each names the workers and why.
 */
public final class WorkersHealth {

  private WorkersHealth() {
  }

  public static HealthIndicator alive(Workers workers) {
    return () -> health(workers.snapshot(), Set.of(Workers.State.DEAD));
  }

  public static HealthIndicator ready(Workers workers) {
    return () -> health(workers.snapshot(), Set.of(Workers.State.STARTING, Workers.State.RETRYING, Workers.State.DEAD));
  }

  private static Health health(Map<String, Workers.Status> workers, Set<Workers.State> down) {
    boolean up = workers.values().stream().noneMatch(status -> down.contains(status.state()));
    Health.Builder health = up ? Health.up() : Health.down();
    workers.forEach((name, status) -> health.withDetail(name, status.reason() == null ? status.state().name()
        : status.state() + " (" + status.reason() + ")"));
    return health.build();
  }
}
