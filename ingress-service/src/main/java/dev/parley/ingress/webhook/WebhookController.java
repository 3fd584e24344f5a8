package dev.parley.ingress.webhook;

import dev.parley.ingress.validation.CleanText;
import dev.parley.ingress.downstream.DeliveryClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.schemas.WebhookEvents;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
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
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's webhooks: {@code POST /ai/webhooks} registers a callback URL for replies and
 * conversation events and answers with its signing secret (shown this once), {@code GET} lists
 * them, {@code DELETE /ai/webhooks/{id}} removes one. Only the tenant's admins (SecurityConfiguration).
 * delivery-service stores them and delivers to them.
 */
@RestController
class WebhookController {

  record Registration(
      @NotBlank(message = "url is required") @Size(max = 2000, message = "url must be at most {max} characters")
      @CleanText(message = "url must not contain control characters or invalid Unicode") String url,
      @Size(max = 20, message = "at most {max} events") List<@NotNull(message = "events cannot be null") @Size(max = 64) String> events) {
  }

  private final DeliveryClient delivery;
  private final SecurityAudit audit;
  private final boolean allowHttp;

  WebhookController(DeliveryClient delivery, SecurityAudit audit, @Value("${parley.webhooks.allow-http:false}") boolean allowHttp) {
    this.delivery = delivery;
    this.audit = audit;
    this.allowHttp = allowHttp;
  }

  @PostMapping(path = "/ai/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<JsonNode>> register(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Registration registration) {
    Caller caller = Caller.of(jwt);
    checkUrl(registration.url());
    List<String> events = registration.events() == null || registration.events().isEmpty()
        ? List.of(WebhookEvents.REPLY, WebhookEvents.ALL_CONVERSATION_EVENTS) : registration.events();
    List<String> unknown = new ArrayList<>(events.stream().filter(event -> !WebhookEvents.SUBSCRIBABLE.contains(event)).toList());
    if (!unknown.isEmpty()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown events " + unknown + "; known: " + WebhookEvents.SUBSCRIBABLE.stream().sorted().toList());
    }
    return delivery.registerWebhook(caller.tenantId(), registration.url(), events, caller.userId())
        .doOnNext(created -> audit.done(caller, "webhook.register", "webhook " + created.get("id").asString()))
        .map(created -> ResponseEntity.created(URI.create("/ai/webhooks/" + created.get("id").asString())).body(created));
  }

  @GetMapping("/ai/webhooks")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt) {
    return delivery.webhooks(Caller.of(jwt).tenantId());
  }

  @DeleteMapping("/ai/webhooks/{id}")
  Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Jwt jwt, @PathVariable String id) {
    Caller caller = Caller.of(jwt);
    return delivery.deleteWebhook(caller.tenantId(), id)
        .map(deleted -> {
          if (!deleted) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no webhook " + id);
          }
          audit.done(caller, "webhook.delete", "webhook " + id);
          return ResponseEntity.noContent().<Void>build();
        });
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
}
