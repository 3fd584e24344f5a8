package dev.parley.ingress.metrics;

import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Counts and times the public API's requests ({@code /ai/**}, {@code /webhooks/**}) as
 * {@code ai_requests_total{endpoint,method,status}} and {@code ai_request_duration_seconds}, and
 * every refused or failed one as {@code ai_errors_total{error_type}}.
 *
 * <p>It runs before Spring Security, so refused requests count too. The endpoint is the route
 * template ({@code /ai/conversations/{id}}), never the path with its ids; a request refused
 * before it reached a route (no token, no such path) counts under {@value #NO_ROUTE}. Streams
 * (SSE, WebSocket) are counted but not timed: they last as long as the customer stays.
 */
@Component
class RequestMeters implements WebFilter, Ordered {

  static final String NO_ROUTE = "none";
  /** Buckets for p95/p99 in Prometheus ({@code histogram_quantile}); a synchronous chat waits up to 30 s. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

  private final AiMeters meters;
  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();

  RequestMeters(AiMeters meters) {
    this.meters = meters;
    this.registry = meters.registry();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // Spring Security's chain is at -100
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if (!path.startsWith("/ai/") && !path.startsWith("/webhooks/")) {
      return chain.filter(exchange);
    }
    long started = System.nanoTime();
    return chain.filter(exchange).doFinally(signal -> record(exchange, signal, System.nanoTime() - started));
  }

  private void record(ServerWebExchange exchange, SignalType signal, long nanos) {
    Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String endpoint = pattern == null ? NO_ROUTE : pattern.toString();
    String method = exchange.getRequest().getMethod().name();
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    // A client that went away before an answer: no status was written.
    String statusTag = status != null ? Integer.toString(status.value()) : signal == SignalType.CANCEL ? "cancelled" : "200";
    requests.computeIfAbsent(endpoint + ' ' + method + ' ' + statusTag, key -> Counter.builder(AiMeters.REQUESTS)
        .tags("endpoint", endpoint, "method", method, "status", statusTag)
        .description("Requests to the public API").register(registry)).increment();
    if (!isStream(exchange)) {
      durations.computeIfAbsent(endpoint + ' ' + method, key -> Timer.builder(AiMeters.REQUEST_DURATION)
          .tags("endpoint", endpoint, "method", method).serviceLevelObjectives(BUCKETS)
          .description("How long requests to the public API took").register(registry)).record(Duration.ofNanos(nanos));
    }
    if (status != null && status.isError()) {
      meters.error(errorType(status.value()));
    }
  }

  private static boolean isStream(ServerWebExchange exchange) {
    if ("websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getFirst(HttpHeaders.UPGRADE))) {
      return true;
    }
    MediaType type = exchange.getResponse().getHeaders().getContentType();
    return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
  }

  static AiMeters.ErrorType errorType(int status) {
    return switch (status) {
      case 401 -> AiMeters.ErrorType.UNAUTHORIZED;
      case 403 -> AiMeters.ErrorType.FORBIDDEN;
      case 404 -> AiMeters.ErrorType.NOT_FOUND;
      case 409 -> AiMeters.ErrorType.CONFLICT;
      case 429 -> AiMeters.ErrorType.RATE_LIMITED;
      case 503 -> AiMeters.ErrorType.UNAVAILABLE;
      case 504 -> AiMeters.ErrorType.REPLY_TIMEOUT;
      default -> status >= 500 ? AiMeters.ErrorType.INTERNAL : AiMeters.ErrorType.VALIDATION;
    };
  }
}
