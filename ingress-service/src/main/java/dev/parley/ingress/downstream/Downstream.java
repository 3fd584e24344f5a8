package dev.parley.ingress.downstream;

import dev.parley.schemas.auth.ServiceIdentity;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** What the typed clients of the other services' internal APIs share: identity, timeouts, one retry, errors. */
final class Downstream {

  private Downstream() {
  }

  /** A WebClient for one service's internal API that proves it is ingress-service on every call. */
  static WebClient client(WebClient.Builder builder, ServiceIdentity identity, String baseUrl) {
    return builder.clone().baseUrl(baseUrl).filter(identity.authenticate()).build();
  }

  /**
   * A read: bounded by the timeout, retried once when the connection failed (the other instance
   * may just have restarted), and a 503 problem for the caller when it still fails.
   */
  static <T> Mono<T> read(Mono<T> call, Duration timeout, String what) {
    return call
        .retryWhen(Retry.backoff(1, Duration.ofMillis(100)).filter(WebClientRequestException.class::isInstance)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
        .timeout(timeout)
        .onErrorMap(e -> !(e instanceof ResponseStatusException), e -> unavailable(what, e));
  }

  /**
   * A 400 of the internal API as the caller's 400, with its detail: where the other service owns the
   * rule (analytics ranges, which depend on how long its windows are kept), ingress does not repeat it.
   */
  static <T> Mono<T> badRequestPassedOn(Mono<T> call) {
    return call.onErrorMap(WebClientResponseException.BadRequest.class, e -> {
      ProblemDetail problem = e.getResponseBodyAs(ProblemDetail.class);
      return new ResponseStatusException(HttpStatus.BAD_REQUEST,
          problem != null && problem.getDetail() != null ? problem.getDetail() : "the request was refused", e);
    });
  }

  /** A 404 of the internal API as "nothing there". */
  static <T> Mono<T> emptyWhenNotFound(Mono<T> call) {
    return call.onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty());
  }

  static ResponseStatusException unavailable(String what, Throwable cause) {
    return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, what + " unavailable right now; retry", cause);
  }
}
