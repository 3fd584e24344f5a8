package dev.parley.ingress.alert;

import dev.parley.analytics.AlertMetric;
import dev.parley.analytics.AlertRule;
import dev.parley.analytics.AlertRules;
import dev.parley.analytics.Granularity;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.schemas.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's alert rules (admins): {@code GET /ai/alert-rules} shows those in force (the tenant's,
 * or the defaults), {@code PUT} replaces them (an empty list: no alerts), {@code DELETE} puts the
 * defaults back. Rules are data on {@code parley.alert-rules} (compacted, keyed by tenant), which
 * context-service's analytics reads; alerts go to {@code parley.alerts} and to webhooks subscribed
 * to {@code alert.firing} / {@code alert.resolved}.
 */
@RestController
class AlertRulesController {

  static final int MAX_RULES = 20;
  /** Latencies are recorded up to an hour. */
  static final double MAX_P95_MS = 3_600_000;

  /** One rule as an admin writes it. */
  record Rule(
      @NotBlank(message = "name is required")
      @Pattern(regexp = "[A-Za-z0-9_.-]{1,40}", message = "name is 1 to 40 letters, digits, '.', '_' or '-'") String name,
      @NotNull(message = "metric is required")
      @Pattern(regexp = "(?i)error_rate|reply_p95_ms|frustration_rate|delivery_failure_rate",
          message = "metric must be error_rate, reply_p95_ms, frustration_rate or delivery_failure_rate") String metric,
      @NotNull(message = "threshold is required") @Positive(message = "threshold must be more than 0") Double threshold,
      @Pattern(regexp = "(?i)minute|hour|day", message = "granularity must be minute, hour or day") String granularity,
      @PositiveOrZero(message = "minimumEvents must be 0 or more") Long minimumEvents) {

    AlertRule toAvro() {
      AlertMetric kind = AlertMetric.valueOf(metric.toUpperCase(Locale.ROOT));
      if (kind != AlertMetric.REPLY_P95_MS && threshold > 1) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "rule " + name + ": a rate's threshold is more than 0 and at most 1 (0.1 is 10%)");
      }
      if (kind == AlertMetric.REPLY_P95_MS && !(threshold <= MAX_P95_MS)) { // also refuses Infinity ("1e999")
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "rule " + name + ": reply_p95_ms is at most " + (long) MAX_P95_MS + " (an hour)");
      }
      return new AlertRule(name, kind, threshold,
          Granularity.valueOf((granularity == null ? "minute" : granularity).toUpperCase(Locale.ROOT)),
          minimumEvents == null ? 10L : minimumEvents);
    }
  }

  record RulesRequest(@NotNull(message = "rules is required (an empty list: no alerts)")
      @Size(max = MAX_RULES, message = "at most 20 rules") List<@Valid @NotNull(message = "a rule may not be null") Rule> rules) {
  }

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final ContextClient context;
  private final SecurityAudit audit;

  AlertRulesController(KafkaTemplate<String, SpecificRecord> kafka, ContextClient context, SecurityAudit audit) {
    this.kafka = kafka;
    this.context = context;
    this.audit = audit;
  }

  @GetMapping("/ai/alert-rules")
  Mono<JsonNode> rules(@AuthenticationPrincipal Jwt jwt) {
    return context.alertRules(Caller.of(jwt).tenantId());
  }

  @PutMapping("/ai/alert-rules")
  Mono<Map<String, Object>> replace(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody RulesRequest request) {
    Caller caller = Caller.of(jwt);
    List<AlertRule> rules = new ArrayList<>();
    var names = new HashSet<String>();
    for (Rule rule : request.rules()) {
      if (!names.add(rule.name())) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "two rules are named " + rule.name());
      }
      rules.add(rule.toAvro());
    }
    // Milliseconds, as Avro keeps it: the PUT answers what a later GET shows.
    AlertRules saved = new AlertRules(caller.tenantId(), rules, caller.userId(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    return Mono.fromFuture(() -> kafka.send(Topics.ALERT_RULES.name(), caller.tenantId(), saved))
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the rules could not be saved right now; retry", e))
        .doOnNext(sent -> audit.done(caller, "alert-rules.replace", rules.size() + " rules"))
        .map(sent -> {
          Map<String, Object> view = new java.util.LinkedHashMap<>(); // updatedBy may be null
          view.put("tenantId", caller.tenantId());
          view.put("defaults", false);
          view.put("rules", rules.stream().map(AlertRulesController::view).toList());
          view.put("updatedBy", caller.userId());
          view.put("updatedAt", saved.getUpdatedAt().toString());
          return view;
        });
  }

  /** A rule as GET shows it (context-service's view of the same rule). */
  private static Map<String, Object> view(AlertRule rule) {
    return Map.of("name", rule.getName(), "metric", rule.getMetric().name().toLowerCase(Locale.ROOT), "threshold", rule.getThreshold(),
        "granularity", rule.getGranularity().name().toLowerCase(Locale.ROOT), "minimumEvents", rule.getMinimumEvents());
  }

  @DeleteMapping("/ai/alert-rules")
  Mono<ResponseEntity<Void>> reset(@AuthenticationPrincipal Jwt jwt) {
    Caller caller = Caller.of(jwt);
    return Mono.fromFuture(() -> kafka.send(Topics.ALERT_RULES.name(), caller.tenantId(), null))
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the rules could not be reset right now; retry", e))
        .doOnNext(sent -> audit.done(caller, "alert-rules.reset", "defaults"))
        .thenReturn(ResponseEntity.noContent().build());
  }
}
