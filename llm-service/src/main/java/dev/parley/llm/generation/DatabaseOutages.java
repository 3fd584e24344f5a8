package dev.parley.llm.generation;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * A database that is down for a moment (a restart, a failover) is waited for before a turn is
 * given up on: the turn is answered again after a backoff, for up to about {@link #WAIT}, which
 * stays under the reply watchdog's deadline so the customer still gets an answer in time. A
 * longer outage ends in the fallback reply and a re-drivable dead letter, as any other failure.
 */
final class DatabaseOutages {

  static final Duration WAIT = Duration.ofMillis(500 + 1000 + 2000 + 4000 + 5000 + 5000);

  private DatabaseOutages() {
  }

  static Retry retry() {
    return Retry.of("turn-database", RetryConfig.custom()
        .maxAttempts(7)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5)))
        .retryOnException(DatabaseOutages::isOutage)
        .build());
  }

  /** The database could not be reached or answered that it cannot now; anything else is not waited for. */
  static boolean isOutage(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
          || cause instanceof io.r2dbc.spi.R2dbcTransientResourceException || cause instanceof java.net.ConnectException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
