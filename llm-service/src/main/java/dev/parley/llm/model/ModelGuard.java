package dev.parley.llm.model;

import dev.langchain4j.exception.RetriableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Protects the model calls: a transient failure (timeout, 429, 5xx) is retried with exponential
 * backoff and jitter, as long as nothing of the answer has been streamed yet (a retry must not
 * repeat text the client already has); repeated failures open a circuit breaker, so while the
 * provider is down turns fail fast to the fallback reply instead of each waiting out its timeouts.
 * One guard per service instance: the breaker sees every call.
 */
public final class ModelGuard {

  /** How hard to try. */
  public record Settings(int maxAttempts, Duration firstBackoff, float failureRatePercent, int minimumCalls, Duration openFor) {
    static Settings defaults() {
      return new Settings(3, Duration.ofMillis(500), 50, 10, Duration.ofSeconds(30));
    }
  }

  /** The call failed for good; says whether it was tried and whether the breaker was open. */
  public static final class GaveUp extends Exception {
    public final int attempts;
    public final boolean circuitOpen;

    GaveUp(Throwable cause, int attempts, boolean circuitOpen) {
      super(cause);
      this.attempts = attempts;
      this.circuitOpen = circuitOpen;
    }
  }

  private final Settings settings;
  private final CircuitBreaker breaker;

  public ModelGuard(Settings settings) {
    this.settings = settings;
    this.breaker = CircuitBreaker.of("model", CircuitBreakerConfig.custom()
        .failureRateThreshold(settings.failureRatePercent())
        .minimumNumberOfCalls(settings.minimumCalls())
        .slidingWindowSize(Math.max(settings.minimumCalls(), 20))
        .waitDurationInOpenState(settings.openFor())
        .recordException(ModelGuard::transientFailure)
        .build());
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }

  public <T> T call(Callable<T> modelCall, BooleanSupplier nothingStreamedYet) throws GaveUp {
    int[] attempts = {0};
    Retry retry = Retry.of("model", RetryConfig.<T>custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.firstBackoff(), 2.0, 0.5))
        .retryOnException(e -> transientFailure(e) && nothingStreamedYet.getAsBoolean())
        .build());
    Callable<T> guarded = Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, () -> {
      attempts[0]++;
      return modelCall.call();
    }));
    try {
      return guarded.call();
    } catch (CallNotPermittedException open) {
      throw new GaveUp(open, attempts[0], true);
    } catch (Exception e) {
      throw new GaveUp(e, attempts[0], false);
    }
  }

  /** Timeouts, rate limits and server errors may pass; anything else (a bad request, a bug) will not. */
  static boolean transientFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof RetriableException || cause instanceof TimeoutException
          || cause instanceof java.net.http.HttpTimeoutException || cause instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }
}
