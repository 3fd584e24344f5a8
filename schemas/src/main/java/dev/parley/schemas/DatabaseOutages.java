package dev.parley.schemas;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * A database that is down for a moment (a restart, a failover) is waited for, not treated as a
 * failure of the work: llm-service answers a turn again after a backoff, for up to about
 * {@link #WAIT} (under the reply watchdog's deadline, so the customer still gets an answer in
 * time); delivery-service's listeners retry a record until the database is back.
 */
public final class DatabaseOutages {

  public static final Duration WAIT = Duration.ofMillis(500 + 1000 + 2000 + 4000 + 5000 + 5000);

  private DatabaseOutages() {
  }

  /** Retries a turn while the database is down, for up to about {@link #WAIT}. */
  public static Retry retry() {
    return Retry.of("turn-database", RetryConfig.custom()
        .maxAttempts(7)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5)))
        .retryOnException(DatabaseOutages::isOutage)
        .build());
  }

  /** The database could not be reached or answered that it cannot now; anything else is not waited for. */
  public static boolean isOutage(Throwable error) {
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
