package dev.parley.delivery.queue;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * How hard to try one target: {@code maxAttempts} in all, waiting between them from
 * {@code firstBackoff}, doubling with jitter, up to {@code maxBackoff}.
 */
public record Retries(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {

  public Retries {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt, not " + maxAttempts);
    }
  }

  /** The wait after the given attempt (1 for the first). */
  public Duration backoff(int attempt) {
    return Duration.ofMillis(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0, 0.5, maxBackoff).apply(attempt));
  }
}
