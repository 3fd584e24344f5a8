package dev.parley.context.analytics;

import dev.parley.context.AtOwner;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Interactive queries over the analytics windows, for ingress-service's {@code /metrics},
 * {@code /metrics/historical}, {@code /ai/analytics-overview} and {@code /ai/pipeline}. A tenant's
 * windows live on one instance (they are keyed by tenant); another instance forwards the request
 * there ({@link AtOwner}).
 *
 * <p>Internal API: it answers only Parley's services (InternalApiConfiguration) and trusts the
 * tenant in the path, which ingress takes from the caller's token.
 */
@RestController
class AnalyticsController {

  /** The overview's request body, as the client portal sends it. */
  record OverviewRequest(String timeRange, List<String> metrics, Boolean includeComparisons, Boolean includeInsights) {
  }

  private final ObjectProvider<AnalyticsStreams> streams;
  private final AtOwner atOwner;
  private final Clock clock;

  AnalyticsController(ObjectProvider<AnalyticsStreams> streams, AtOwner atOwner) {
    this.streams = streams;
    this.atOwner = atOwner;
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

  /** Answers from the instance holding the tenant's windows. */
  private Mono<Object> atOwner(String tenantId, ServerHttpRequest request, Object body, Function<AnalyticsReports, Object> answer) {
    AnalyticsStreams analytics = streams.getIfAvailable();
    return atOwner.answer(analytics, "the tenant's analytics windows", () -> analytics.owner(tenantId), request, body,
        () -> answer.apply(new AnalyticsReports(analytics::store, clock)));
  }

  private static Window window(String granularity) {
    try {
      return Window.valueOf(granularity.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "granularity must be minute, hour or day");
    }
  }
}
