package dev.parley.ingress.downstream;

import dev.parley.schemas.auth.ServiceIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * delivery-service's internal API as ingress uses it: a tenant's webhooks, its deliveries that ran
 * out of retries and its dead letters, with their re-drive. Everything is scoped to the tenant in
 * the path.
 */
@Component
public class DeliveryClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final WebClient http;

  DeliveryClient(WebClient.Builder builder, ServiceIdentity identity, @Value("${parley.delivery.url}") String url) {
    this.http = Downstream.client(builder, identity, url);
  }

  /** Registers a webhook; the answer holds its signing secret, shown this once. 409 when the URL is taken. */
  public Mono<JsonNode> registerWebhook(String tenantId, String url, List<String> events, String createdBy) {
    return http.post().uri("/internal/tenants/{tenant}/webhooks", tenantId)
        .bodyValue(Map.of("url", url, "events", events, "createdBy", createdBy))
        .retrieve().bodyToMono(JsonNode.class).timeout(TIMEOUT)
        .onErrorMap(WebClientResponseException.Conflict.class,
            e -> new ResponseStatusException(HttpStatus.CONFLICT, "this URL is already registered; delete it first to change it"))
        .onErrorMap(WebClientResponseException.BadRequest.class,
            e -> new ResponseStatusException(HttpStatus.BAD_REQUEST, problemDetail(e, "the webhook URL is not allowed")))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), e -> Downstream.unavailable("webhook management is", e));
  }

  public Mono<JsonNode> webhooks(String tenantId) {
    return Downstream.read(http.get().uri("/internal/tenants/{tenant}/webhooks", tenantId)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "webhook management is");
  }

  /** Deletes a webhook; false when the tenant has no such webhook. */
  public Mono<Boolean> deleteWebhook(String tenantId, String id) {
    return http.delete().uri("/internal/tenants/{tenant}/webhooks/{id}", tenantId, id)
        .retrieve().toBodilessEntity().thenReturn(true).timeout(TIMEOUT)
        .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(false))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), e -> Downstream.unavailable("webhook management is", e));
  }

  public Mono<JsonNode> failedDeliveries(String tenantId) {
    return Downstream.read(http.get().uri("/internal/tenants/{tenant}/failed-deliveries", tenantId)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "failed deliveries are");
  }

  /** Re-drives a failed delivery of the tenant: 404 when it has none of that id, 409 when it was re-driven already. */
  public Mono<JsonNode> redriveFailedDelivery(String tenantId, long id) {
    return passThroughErrors(http.post().uri("/internal/tenants/{tenant}/failed-deliveries/{id}/redrive", tenantId, id)
        .retrieve().bodyToMono(JsonNode.class), "failed deliveries are");
  }

  /** The tenant's dead letters that can still be re-driven (all, re-driven ones too, when asked). */
  public Mono<JsonNode> deadLetters(String tenantId, boolean all) {
    return Downstream.read(http.get().uri("/internal/tenants/{tenant}/dead-letters?all={all}", tenantId, all)
        .retrieve().bodyToMono(JsonNode.class), TIMEOUT, "dead letters are");
  }

  /** Re-drives a dead letter of the tenant: 404 when it has none of that id, 409 when it was re-driven already. */
  public Mono<JsonNode> redriveDeadLetter(String tenantId, String id) {
    return passThroughErrors(http.post().uri("/internal/tenants/{tenant}/dead-letters/{id}/redrive", tenantId, id)
        .retrieve().bodyToMono(JsonNode.class), "dead letters are");
  }

  /** 404 and 409 of the internal API keep their status and reason; anything else is 503. */
  private static Mono<JsonNode> passThroughErrors(Mono<JsonNode> call, String what) {
    return call.timeout(TIMEOUT)
        .onErrorMap(WebClientResponseException.class, e -> e.getStatusCode().value() == 404 || e.getStatusCode().value() == 409
            ? new ResponseStatusException(e.getStatusCode(), problemDetail(e, e.getStatusText())) : Downstream.unavailable(what, e))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), e -> Downstream.unavailable(what, e));
  }

  private static String problemDetail(WebClientResponseException e, String otherwise) {
    try {
      JsonNode body = e.getResponseBodyAs(JsonNode.class);
      return body != null && body.hasNonNull("detail") ? body.get("detail").asString() : otherwise;
    } catch (RuntimeException unreadable) {
      return otherwise;
    }
  }
}
