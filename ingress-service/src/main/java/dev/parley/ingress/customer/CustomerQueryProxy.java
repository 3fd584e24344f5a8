package dev.parley.ingress.customer;

import dev.parley.ingress.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /ai/customers/{customerKey}/profile} (a customer's profile across conversations) and
 * {@code GET /ai/leads} (the tenant's hot leads, or warm or cold), from context-service.
 * The customer key is the CRM customer id, or {@code user-<user id>} for chats without one.
 */
@RestController
class CustomerQueryProxy {

  private final WebClient context;

  CustomerQueryProxy(WebClient.Builder http, @Value("${parley.context.url}") String contextUrl) {
    this.context = http.baseUrl(contextUrl).build();
  }

  @GetMapping("/ai/customers/{customerKey}/profile")
  Mono<JsonNode> profile(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:@+-]{1,140}", message = "customerKey has characters that are not allowed") String customerKey) {
    return context.get().uri("/internal/tenants/{tenant}/customers/{key}/profile", Caller.of(jwt).tenantId(), customerKey)
        .retrieve().bodyToMono(JsonNode.class)
        .onErrorMap(WebClientResponseException.NotFound.class,
            e -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no profile for " + customerKey))
        .onErrorMap(e -> !(e instanceof ResponseStatusException),
            e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "profiles are unavailable right now; retry", e));
  }

  @GetMapping("/ai/leads")
  Mono<JsonNode> leads(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(defaultValue = "HOT") @Pattern(regexp = "(?i)HOT|WARM|COLD", message = "temperature must be HOT, WARM or COLD") String temperature,
      @RequestParam(defaultValue = "50") @Min(value = 1, message = "limit must be 1 to 200") @Max(value = 200, message = "limit must be 1 to 200") int limit) {
    return context.get().uri("/internal/tenants/{tenant}/leads?temperature={t}&limit={l}", Caller.of(jwt).tenantId(), temperature, limit)
        .retrieve().bodyToMono(JsonNode.class)
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "leads are unavailable right now; retry", e));
  }
}
