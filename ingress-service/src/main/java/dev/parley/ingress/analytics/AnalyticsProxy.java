package dev.parley.ingress.analytics;

import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The tenant's analytics for its staff (agents and admins; never customers), answered by
 * context-service from the analytics windows (interactive queries, across its instances):
 * <ul>
 *   <li>{@code GET /metrics}: live, the last five minutes and the current hour, with rates;</li>
 *   <li>{@code GET /metrics/historical?from=&to=&granularity=minute|hour|day}: a series of windows;</li>
 *   <li>{@code POST /ai/analytics-overview}: the client portal's overview, with the previous period
 *       and plain-language insights when asked;</li>
 *   <li>{@code GET /ai/pipeline}: the sales funnel, the leads that warmed up and today's hot leads.</li>
 * </ul>
 * The tenant is always the caller's; which ranges can be answered (windows are kept 2, 35 and 400
 * days) is context-service's rule, and its refusal is the caller's 400 with the reason.
 */
@RestController
class AnalyticsProxy {

  /** The overview's body, as the client portal sends it. */
  record OverviewRequest(
      @Size(max = 40, message = "timeRange is at most 40 characters") String timeRange,
      @Size(max = 20, message = "at most 20 metrics") List<@Size(max = 40, message = "a metric name is at most 40 characters") String> metrics,
      Boolean includeComparisons,
      Boolean includeInsights) {
  }

  private final ContextClient context;

  AnalyticsProxy(ContextClient context) {
    this.context = context;
  }

  @GetMapping("/metrics")
  Mono<JsonNode> live(@AuthenticationPrincipal Jwt jwt) {
    return context.liveAnalytics(Caller.of(jwt).tenantId());
  }

  @GetMapping("/metrics/historical")
  Mono<JsonNode> historical(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to,
      @RequestParam(defaultValue = "hour") @Pattern(regexp = "(?i)minute|hour|day", message = "granularity must be minute, hour or day")
      String granularity) {
    return context.analyticsWindows(Caller.of(jwt).tenantId(), granularity, from, to);
  }

  @PostMapping("/ai/analytics-overview")
  Mono<JsonNode> overview(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody OverviewRequest request) {
    return context.analyticsOverview(Caller.of(jwt).tenantId(), request);
  }

  /** The funnel of the time range and the hottest leads now (most recently active first). */
  @GetMapping("/ai/pipeline")
  Mono<Map<String, Object>> pipeline(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(defaultValue = "last_30_days") @Size(max = 40, message = "timeRange is at most 40 characters") String timeRange,
      @RequestParam(defaultValue = "10") @Min(value = 0, message = "hotLeads must be 0 to 50") @Max(value = 50, message = "hotLeads must be 0 to 50")
      int hotLeads) {
    String tenant = Caller.of(jwt).tenantId();
    Mono<JsonNode> leads = hotLeads == 0 ? Mono.just(tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode())
        : context.leads(tenant, "HOT", hotLeads).map(page -> page.path("items"));
    return Mono.zip(context.salesFunnel(tenant, timeRange), leads)
        .map(both -> Map.of("funnel", both.getT1(), "hotLeads", both.getT2()));
  }
}
