package dev.parley.context.analytics;

import dev.parley.context.analytics.AnalyticsTopology.Window;
import dev.parley.schemas.auth.ServiceIdentity;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Interactive queries over the analytics windows, for ingress-service's {@code /metrics},
 * {@code /metrics/historical}, {@code /ai/analytics-overview} and {@code /ai/pipeline}. A tenant's
 * windows live on one instance (they are keyed by tenant); another instance forwards the request
 * there once, marked so that it is never forwarded again.
 *
 * <p>Internal API: it answers only Parley's services (InternalApiConfiguration) and trusts the
 * tenant in the path, which ingress takes from the caller's token.
 */
@RestController
class AnalyticsController {

  /** Marks a request one instance forwarded to the one it found holding the tenant's windows. */
  static final String FORWARDED = "Parley-Analytics-Forwarded";

  /** The overview's request body, as the client portal sends it. */
  record OverviewRequest(String timeRange, List<String> metrics, Boolean includeComparisons, Boolean includeInsights) {
  }

  private final ObjectProvider<AnalyticsStreams> streams;
  private final WebClient http;
  private final Clock clock;

  AnalyticsController(ObjectProvider<AnalyticsStreams> streams, WebClient.Builder http, ServiceIdentity identity) {
    this.streams = streams;
    // Forwarded queries go to another instance's internal API: they carry this service's identity.
    this.http = http.filter(identity.authenticate()).build();
    this.clock = Clock.systemUTC();
  }

  @GetMapping("/internal/tenants/{tenantId}/analytics/live")
  Mono<Object> live(@PathVariable String tenantId, ServerHttpRequest request) {
    return atOwner(tenantId, request, null, reports -> reports.live(tenantId));
  }

  @GetMapping("/internal/tenants/{tenantId}/analytics/windows")
  Mono<Object> windows(@PathVariable String tenantId, @RequestParam(defaultValue = "hour") String granularity,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to, ServerHttpRequest request) {
    Window window = window(granularity);
    Instant end = to != null ? to : clock.instant();
    // Without a start: the last 24 windows (a day of hours, 24 minutes, 24 days).
    Instant start = from != null ? from : AnalyticsReports.floor(end, window).minus(window.size.multipliedBy(23));
    return atOwner(tenantId, request, null, reports -> reports.series(tenantId, window, start, end));
  }

  @PostMapping("/internal/tenants/{tenantId}/analytics/overview")
  Mono<Object> overview(@PathVariable String tenantId, @RequestBody OverviewRequest body, ServerHttpRequest request) {
    TimeRange range = TimeRange.of(body.timeRange() == null ? "last_30_days" : body.timeRange());
    var metrics = OverviewMetric.of(body.metrics());
    return atOwner(tenantId, request, body, reports -> reports.overview(tenantId, range, metrics,
        Boolean.TRUE.equals(body.includeComparisons()), Boolean.TRUE.equals(body.includeInsights())));
  }

  @GetMapping("/internal/tenants/{tenantId}/analytics/funnel")
  Mono<Object> funnel(@PathVariable String tenantId, @RequestParam(defaultValue = "last_30_days") String timeRange,
      ServerHttpRequest request) {
    TimeRange range = TimeRange.of(timeRange);
    return atOwner(tenantId, request, null, reports -> reports.funnel(tenantId, range));
  }

  /** The caller's mistake, as a problem the caller can show: ingress passes the detail on. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> problem(ResponseStatusException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.getStatusCode(), e.getReason());
    var answer = ResponseEntity.status(e.getStatusCode());
    if (e.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
      answer.header(HttpHeaders.RETRY_AFTER, "1");
    }
    return answer.body(problem);
  }

  /** Answers from this instance's stores when it holds the tenant's windows, else from the instance that does. */
  private Mono<Object> atOwner(String tenantId, ServerHttpRequest request, Object body, Function<AnalyticsReports, Object> answer) {
    AnalyticsStreams analytics = streams.getIfAvailable();
    if (analytics == null) {
      return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
          "analytics is switched off on this instance (parley.analytics.enabled)"));
    }
    return Mono.fromCallable(() -> {
          if (!analytics.ready()) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the analytics windows are rebalancing; retry shortly");
          }
          return analytics.owner(tenantId);
        })
        .subscribeOn(Schedulers.boundedElastic()) // store metadata and RocksDB reads block
        .flatMap(owner -> {
          if (analytics.isSelf(owner)) {
            return Mono.fromCallable(() -> answer.apply(new AnalyticsReports(analytics::store, clock))).subscribeOn(Schedulers.boundedElastic());
          }
          // Not here: forwarded once, to the instance the metadata names. A forwarded request that
          // finds the windows moved on (a rebalance in between) is a 503, never another instance's zeros.
          if (request.getHeaders().containsHeader(FORWARDED) || HostInfo.unavailable().equals(owner)) {
            return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "the tenant's analytics windows are moving between instances; retry shortly"));
          }
          return forward(owner, request, body);
        })
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
            "no instance holds the tenant's analytics windows yet; retry shortly")));
  }

  private Mono<Object> forward(HostInfo owner, ServerHttpRequest request, Object body) {
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.getURI().getRawPath()
        + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
    var call = http.method(request.getMethod()).uri(uri).header(FORWARDED, "true");
    return (body == null ? call : call.bodyValue(body)).retrieve().bodyToMono(JsonNode.class).<Object>map(json -> json)
        .onErrorMap(e -> e instanceof WebClientResponseException answer && answer.getStatusCode().is4xxClientError()
            ? new ResponseStatusException(answer.getStatusCode(), detail(answer), e)
            : new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "the instance holding the tenant's analytics cannot answer right now; retry", e));
  }

  private static String detail(WebClientResponseException answer) {
    ProblemDetail problem = answer.getResponseBodyAs(ProblemDetail.class);
    return problem != null && problem.getDetail() != null ? problem.getDetail() : answer.getStatusText();
  }

  private static Window window(String granularity) {
    try {
      return Window.valueOf(granularity.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "granularity must be minute, hour or day");
    }
  }
}
