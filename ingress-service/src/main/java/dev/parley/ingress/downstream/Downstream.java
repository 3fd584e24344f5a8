package dev.parley.ingress.downstream;

import dev.parley.schemas.auth.ServiceIdentity;
import java.time.Duration;
import org.springframework.http.HttpStatus;
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

  /** A 404 of the internal API as "nothing there". */
  static <T> Mono<T> emptyWhenNotFound(Mono<T> call) {
    return call.onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty());
  }

  static ResponseStatusException unavailable(String what, Throwable cause) {
    return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, what + " unavailable right now; retry", cause);
  }
}
