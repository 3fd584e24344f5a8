package dev.parley.ingress.webhook;

import dev.parley.ingress.security.Caller;
import dev.parley.schemas.WebhookEvents;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's webhooks: {@code POST /ai/webhooks} registers a callback URL for replies and
 * conversation events and answers with its signing secret (shown this once), {@code GET} lists
 * them, {@code DELETE /ai/webhooks/{id}} removes one. Only tokens with the {@code admin} role.
 * delivery-service stores them and delivers to them.
 */
@RestController
class WebhookController {

  record Registration(
      @NotBlank(message = "url is required") @Size(max = 2000, message = "url must be at most {max} characters") String url,
      @Size(max = 20, message = "at most {max} events") List<String> events) {
  }

  private final WebClient delivery;
  private final boolean allowHttp;

  WebhookController(WebClient.Builder http, @Value("${parley.delivery.url}") String deliveryUrl,
      @Value("${parley.webhooks.allow-http:false}") boolean allowHttp) {
    this.delivery = http.baseUrl(deliveryUrl).build();
    this.allowHttp = allowHttp;
  }

  @PostMapping(path = "/ai/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<JsonNode>> register(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Registration registration) {
    Caller caller = admin(jwt);
    checkUrl(registration.url());
    List<String> events = registration.events() == null || registration.events().isEmpty()
        ? List.of(WebhookEvents.REPLY, WebhookEvents.ALL_CONVERSATION_EVENTS) : registration.events();
    List<String> unknown = new ArrayList<>(events.stream().filter(event -> !WebhookEvents.SUBSCRIBABLE.contains(event)).toList());
    if (!unknown.isEmpty()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown events " + unknown + "; known: " + WebhookEvents.SUBSCRIBABLE.stream().sorted().toList());
    }
    return delivery.post().uri("/internal/tenants/{tenant}/webhooks", caller.tenantId())
        .bodyValue(Map.of("url", registration.url(), "events", events, "createdBy", caller.userId()))
        .retrieve().bodyToMono(JsonNode.class)
        .map(created -> ResponseEntity.created(URI.create("/ai/webhooks/" + created.get("id").asString())).body(created))
        .onErrorMap(WebClientResponseException.Conflict.class,
            e -> new ResponseStatusException(HttpStatus.CONFLICT, "this URL is already registered; delete it first to change it"))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), WebhookController::unavailable);
  }

  @GetMapping("/ai/webhooks")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt) {
    Caller caller = admin(jwt);
    return delivery.get().uri("/internal/tenants/{tenant}/webhooks", caller.tenantId())
        .retrieve().bodyToMono(JsonNode.class)
        .onErrorMap(WebhookController::unavailable);
  }

  @DeleteMapping("/ai/webhooks/{id}")
  Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Jwt jwt, @PathVariable String id) {
    Caller caller = admin(jwt);
    return delivery.delete().uri("/internal/tenants/{tenant}/webhooks/{id}", caller.tenantId(), id)
        .retrieve().toBodilessEntity()
        .map(done -> ResponseEntity.noContent().<Void>build())
        .onErrorMap(WebClientResponseException.NotFound.class,
            e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no webhook " + id))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), WebhookController::unavailable);
  }

  private static Caller admin(Jwt jwt) {
    return Caller.withRole(jwt, "admin", "manage the tenant's webhooks");
  }

  /** Deliveries carry customer conversations: HTTPS only, unless a local setup allows plain HTTP. */
  private void checkUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "url is not a valid URL");
    }
    boolean secure = "https".equalsIgnoreCase(uri.getScheme());
    boolean plain = "http".equalsIgnoreCase(uri.getScheme());
    if (uri.getHost() == null || !(secure || plain && allowHttp)) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, allowHttp ? "url must be an http or https URL" : "url must be an https URL");
    }
  }

  private static Throwable unavailable(Throwable e) {
    return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "webhooks cannot be managed right now; retry", e);
  }
}
