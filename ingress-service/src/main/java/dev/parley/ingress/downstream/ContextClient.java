package dev.parley.ingress.downstream;

import dev.parley.schemas.auth.ServiceIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * context-service's internal API as ingress uses it: conversation and profile queries over its
 * state stores, turn analysis, and who a conversation or a CRM deal belongs to. Every call carries
 * ingress's service identity and the tenant from the caller's token.
 */
@Component
public class ContextClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** context-service gives itself 10 s to read a transcript from the topics. */
  private static final Duration TRANSCRIPT_TIMEOUT = Duration.ofSeconds(12);

  /**
   * Filters of a conversation list (null means any).
   *
   * @param owner the user who started the conversations: a customer sees only their own
   */
  public record ConversationQuery(String status, String customer, String language, String temperature,
      Instant updatedSince, String owner, int offset, int limit) {
  }

  /** The largest transcript read whole (a request body's limit, 1 MB, is too small for a long conversation's). */
  private static final int TRANSCRIPT_BYTES = 32 * 1024 * 1024;

  private final WebClient http;
  private final WebClient transcripts;

  ContextClient(WebClient.Builder builder, ServiceIdentity identity, @Value("${parley.context.url}") String url) {
    this.http = Downstream.client(builder, identity, url);
    this.transcripts = Downstream.client(builder.clone().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(TRANSCRIPT_BYTES)),
        identity, url);
  }

  public Mono<JsonNode> conversations(String tenantId, ConversationQuery query) {
    // Values go in as URI variables, encoded as such: a filter like "{7*7}" is text, not a template.
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("status", query.status());
    values.put("customer", query.customer());
    values.put("language", query.language());
    values.put("temperature", query.temperature());
    values.put("updatedSince", query.updatedSince());
    values.put("owner", query.owner());
    values.values().removeIf(java.util.Objects::isNull);
    values.put("offset", query.offset());
    values.put("limit", query.limit());
    return Downstream.read(http.get()
        .uri(uri -> {
          uri.path("/internal/tenants/{tenant}/conversations");
          values.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
          Map<String, Object> variables = new LinkedHashMap<>(values);
          variables.put("tenant", tenantId);
          return uri.build(variables);
        })
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "conversation queries are");
  }

  /** How many conversations the tenant has by status ({@code byStatus.ESCALATED}, ...), from context-service's counts. */
  public Mono<JsonNode> conversationCounts(String tenantId) {
    return Downstream.read(http.get()
        .uri("/internal/tenants/{tenant}/conversation-counts", tenantId)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "conversation counts are");
  }

  /** One conversation with its recent messages; empty when there is none. */
  public Mono<JsonNode> conversation(String tenantId, String conversationId) {
    return Downstream.read(Downstream.emptyWhenNotFound(http.get()
        .uri("/internal/tenants/{tenant}/conversations/{id}", tenantId, conversationId)
        .retrieve().bodyToMono(JsonNode.class)), TIMEOUT, "conversation queries are");
  }

  /** A conversation without its messages (status, owner, ...): a keyed lookup; empty when there is none. */
  public Mono<JsonNode> conversationSummary(String tenantId, String conversationId) {
    return Downstream.read(Downstream.emptyWhenNotFound(http.get()
        .uri("/internal/tenants/{tenant}/conversations/{id}?messages=false", tenantId, conversationId)
        .retrieve().bodyToMono(JsonNode.class)), TIMEOUT, "conversation queries are");
  }

  /**
   * A conversation's transcript from the topics ({@code events}, each with every field, and
   * {@code missing}); empty when there is no such conversation. Reading a long conversation's
   * records takes longer than a keyed lookup.
   */
  public Mono<JsonNode> transcript(String tenantId, String conversationId) {
    return Downstream.read(Downstream.emptyWhenNotFound(transcripts.get()
        .uri("/internal/tenants/{tenant}/conversations/{id}/transcript", tenantId, conversationId)
        .retrieve().bodyToMono(JsonNode.class)), TRANSCRIPT_TIMEOUT, "transcripts are");
  }

  /** The user who started a conversation; empty when there is no such conversation. */
  public Mono<String> conversationOwner(String tenantId, String conversationId) {
    return conversationSummary(tenantId, conversationId).map(view -> view.path("userId").asString());
  }

  /** The CRM customer a deal belongs to; empty when the CRM has no such deal. */
  public Mono<String> dealCustomer(String tenantId, String dealId) {
    return Downstream.read(Downstream.emptyWhenNotFound(http.get()
        .uri("/internal/tenants/{tenant}/deals/{id}", tenantId, dealId)
        .retrieve().bodyToMono(JsonNode.class)), TIMEOUT, "CRM lookups are")
        .map(deal -> deal.path("customerId").asString());
  }

  /** A customer's profile; empty when Parley has none. */
  public Mono<JsonNode> profile(String tenantId, String customerKey) {
    return Downstream.read(Downstream.emptyWhenNotFound(http.get()
        .uri("/internal/tenants/{tenant}/customers/{key}/profile", tenantId, customerKey)
        .retrieve().bodyToMono(JsonNode.class)), TIMEOUT, "profiles are");
  }

  public Mono<JsonNode> leads(String tenantId, String temperature, int limit) {
    return Downstream.read(http.get()
        .uri("/internal/tenants/{tenant}/leads?temperature={t}&limit={l}", tenantId, temperature, limit)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "leads are");
  }

  public Mono<JsonNode> analyze(String tenantId, Object request) {
    return Downstream.read(http.post().uri("/internal/tenants/{tenant}/analyze", tenantId)
        .bodyValue(request).retrieve().bodyToMono(JsonNode.class), TIMEOUT, "analysis is");
  }

  /** The tenant's analytics of the last five minutes and the current hour. */
  public Mono<JsonNode> liveAnalytics(String tenantId) {
    return analytics(http.get().uri("/internal/tenants/{tenant}/analytics/live", tenantId));
  }

  /**
   * The tenant's analytics windows of one size ({@code minute}, {@code hour}, {@code day}) in a
   * range; null bounds are context-service's defaults. A range it refuses is the caller's 400.
   */
  public Mono<JsonNode> analyticsWindows(String tenantId, String granularity, Instant from, Instant to) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("granularity", granularity);
    values.put("from", from);
    values.put("to", to);
    values.values().removeIf(java.util.Objects::isNull);
    return analytics(http.get().uri(uri -> {
      uri.path("/internal/tenants/{tenant}/analytics/windows");
      values.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
      Map<String, Object> variables = new LinkedHashMap<>(values);
      variables.put("tenant", tenantId);
      return uri.build(variables);
    }));
  }

  /** The analytics overview the client portal asks for ({@code timeRange}, {@code metrics}, comparisons, insights). */
  public Mono<JsonNode> analyticsOverview(String tenantId, Object request) {
    return analytics(http.post().uri("/internal/tenants/{tenant}/analytics/overview", tenantId).bodyValue(request));
  }

  /** The sales funnel and the leads that warmed up in a time range ({@code last_30_days}, ...). */
  public Mono<JsonNode> salesFunnel(String tenantId, String timeRange) {
    return analytics(http.get().uri("/internal/tenants/{tenant}/analytics/funnel?timeRange={range}", tenantId, timeRange));
  }

  /** The alert rules in force for the tenant: its own, or the defaults ({@code "defaults": true}). */
  public Mono<JsonNode> alertRules(String tenantId) {
    return Downstream.read(http.get().uri("/internal/tenants/{tenant}/alert-rules", tenantId)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "alert rules are");
  }

  private static Mono<JsonNode> analytics(WebClient.RequestHeadersSpec<?> call) {
    return Downstream.read(Downstream.badRequestPassedOn(call.retrieve().bodyToMono(JsonNode.class)), TIMEOUT, "analytics are");
  }
}
