package dev.parley.ingress.ratelimit;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 429 problem+json with {@code Retry-After}: when the next message would be taken. */
public class RateLimitExceeded extends ErrorResponseException {

  private final long retryAfterSeconds;

  RateLimitExceeded(String detail, Duration retryAfter) {
    super(HttpStatus.TOO_MANY_REQUESTS, problem(detail, retryAfter), null);
    this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  private static ProblemDetail problem(String detail, Duration retryAfter) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, detail);
    problem.setTitle("Too many messages");
    problem.setProperty("retryAfterSeconds", Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    return problem;
  }
}
