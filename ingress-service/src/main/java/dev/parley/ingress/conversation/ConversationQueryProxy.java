package dev.parley.ingress.conversation;

import dev.parley.ingress.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The public face of context-service's conversation queries: {@code GET /ai/conversations}
 * (newest first, filters, paging) and {@code GET /ai/conversations/{id}} (with its messages). The
 * tenant comes from the token, never from the request, so a tenant only ever sees its own.
 */
@RestController
class ConversationQueryProxy {

  private final WebClient context;

  ConversationQueryProxy(WebClient.Builder http, @Value("${parley.context.url}") String contextUrl) {
    this.context = http.baseUrl(contextUrl).build();
  }

  @GetMapping("/ai/conversations")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(required = false) @Pattern(regexp = "(?i)ACTIVE|ESCALATED|CLOSED",
          message = "status must be ACTIVE, ESCALATED or CLOSED") String status,
      @RequestParam(required = false) String customer,
      @RequestParam(required = false) @Pattern(regexp = "[a-z]{2}", message = "language must be a two-letter code") String language,
      @RequestParam(required = false) @Pattern(regexp = "(?i)HOT|WARM|COLD", message = "temperature must be HOT, WARM or COLD") String temperature,
      @RequestParam(required = false) Instant updatedSince,
      @RequestParam(defaultValue = "0") @Min(value = 0, message = "offset must be 0 or more") int offset,
      @RequestParam(defaultValue = "20") @Min(value = 1, message = "limit must be 1 to 200")
      @Max(value = 200, message = "limit must be 1 to 200") int limit) {
    Caller caller = Caller.of(jwt);
    return context.get()
        .uri(uri -> uri.path("/internal/tenants/{tenant}/conversations")
            .queryParamIfPresent("status", java.util.Optional.ofNullable(status))
            .queryParamIfPresent("customer", java.util.Optional.ofNullable(customer))
            .queryParamIfPresent("language", java.util.Optional.ofNullable(language))
            .queryParamIfPresent("temperature", java.util.Optional.ofNullable(temperature))
            .queryParamIfPresent("updatedSince", java.util.Optional.ofNullable(updatedSince))
            .queryParam("offset", offset).queryParam("limit", limit)
            .build(caller.tenantId()))
        .retrieve().bodyToMono(JsonNode.class)
        .onErrorMap(ConversationQueryProxy::unavailable);
  }

  @GetMapping("/ai/conversations/{conversationId}")
  Mono<JsonNode> one(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "conversationId must be 1 to 128 letters, digits or . _ : -")
      String conversationId) {
    Caller caller = Caller.of(jwt);
    return context.get().uri("/internal/tenants/{tenant}/conversations/{id}", caller.tenantId(), conversationId)
        .retrieve().bodyToMono(JsonNode.class)
        .onErrorMap(WebClientResponseException.NotFound.class,
            e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no conversation " + conversationId))
        .onErrorMap(e -> !(e instanceof ResponseStatusException), ConversationQueryProxy::unavailable);
  }

  private static Throwable unavailable(Throwable e) {
    if (e instanceof WebClientRequestException || e instanceof WebClientResponseException) {
      return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "conversation queries are unavailable right now; retry", e);
    }
    return e;
  }
}
