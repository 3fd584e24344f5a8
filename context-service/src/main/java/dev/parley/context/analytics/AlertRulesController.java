package dev.parley.context.analytics;

import dev.parley.analytics.AlertRule;
import dev.parley.analytics.AlertRules;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The alert rules in force for a tenant (its own, or the defaults), from the analytics
 * application's global table of {@code parley.alert-rules}: every instance holds every tenant's,
 * so nothing is forwarded. Internal API for ingress's {@code GET /ai/alert-rules}.
 */
@RestController
class AlertRulesController {

  /** A rule as the API shows it (metric and granularity in lower case, as they are written). */
  record RuleView(String name, String metric, double threshold, String granularity, long minimumEvents) {

    static RuleView of(AlertRule rule) {
      return new RuleView(rule.getName(), rule.getMetric().name().toLowerCase(Locale.ROOT), rule.getThreshold(),
          rule.getGranularity().name().toLowerCase(Locale.ROOT), rule.getMinimumEvents());
    }
  }

  /** @param defaults true when the tenant set no rules of its own and the defaults apply */
  record RulesView(String tenantId, boolean defaults, List<RuleView> rules, String updatedBy, Instant updatedAt) {
  }

  private final ObjectProvider<AnalyticsStreams> streams;

  AlertRulesController(ObjectProvider<AnalyticsStreams> streams) {
    this.streams = streams;
  }

  @GetMapping("/internal/tenants/{tenantId}/alert-rules")
  Mono<RulesView> rules(@PathVariable String tenantId) {
    AnalyticsStreams analytics = streams.getIfAvailable();
    if (analytics == null || !analytics.ready()) {
      return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
          "the analytics application is not running here; retry shortly"));
    }
    return Mono.fromCallable(() -> {
      AlertRules own = analytics.queries().<org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, AlertRules>>retrieveQueryableStore(
          Alerts.RULES_STORE, QueryableStoreTypes.keyValueStore()).get(tenantId);
      return own == null
          ? new RulesView(tenantId, true, Alerts.DEFAULTS.stream().map(RuleView::of).toList(), null, null)
          : new RulesView(tenantId, false, own.getRules().stream().map(RuleView::of).toList(), own.getUpdatedBy(), own.getUpdatedAt());
    }).subscribeOn(Schedulers.boundedElastic());
  }
}
