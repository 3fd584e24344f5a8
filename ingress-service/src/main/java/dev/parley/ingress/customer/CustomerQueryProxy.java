package dev.parley.ingress.customer;

import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /ai/customers/{customerKey}/profile} (a customer's profile across conversations) and
 * {@code GET /ai/leads} (the tenant's hot leads, or warm or cold), from context-service. Staff
 * only: lead scores and what Parley inferred about a customer are the sales team's working notes.
 * The customer key is the CRM customer id, or {@code user-<user id>} for chats without one.
 */
@RestController
class CustomerQueryProxy {

  private final ContextClient context;

  CustomerQueryProxy(ContextClient context) {
    this.context = context;
  }

  @GetMapping("/ai/customers/{customerKey}/profile")
  Mono<JsonNode> profile(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:@+-]{1,140}", message = "customerKey has characters that are not allowed") String customerKey) {
    return context.profile(Caller.of(jwt).tenantId(), customerKey)
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no profile for " + customerKey)));
  }

  @GetMapping("/ai/leads")
  Mono<JsonNode> leads(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(defaultValue = "HOT") @Pattern(regexp = "(?i)HOT|WARM|COLD", message = "temperature must be HOT, WARM or COLD") String temperature,
      @RequestParam(defaultValue = "50") @Min(value = 1, message = "limit must be 1 to 200") @Max(value = 200, message = "limit must be 1 to 200") int limit) {
    return context.leads(Caller.of(jwt).tenantId(), temperature, limit);
  }
}
