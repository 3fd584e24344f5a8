package dev.parley.context.query;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * Problems of the internal queries, as {@code application/problem+json} that ingress passes on.
 *
 * <p>A store that cannot be read right now (the instance is rebalancing or restoring, which may start
 * between the readiness check and the read) is a 503 the caller retries, never a 500.
 */
@RestControllerAdvice
class QueryProblems {

  @ExceptionHandler
  ResponseEntity<ProblemDetail> storeNotReady(InvalidStateStoreException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
        "the state store is rebalancing or restoring; retry shortly");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
  }

  /** The caller's mistake, or a 503 to retry, with a detail the caller can show. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> problem(ResponseStatusException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.getStatusCode(), e.getReason());
    var answer = ResponseEntity.status(e.getStatusCode());
    if (e.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
      answer.header(HttpHeaders.RETRY_AFTER, "1");
    }
    return answer.body(problem);
  }
}
