package dev.parley.ingress.admin;

import dev.parley.ingress.downstream.DeliveryClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import jakarta.validation.constraints.Pattern;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's admins see the records Parley could not process for them (a turn that could not be
 * answered — its customer got the fallback reply — or a message that could not be read) and re-drive
 * them once the cause is fixed: {@code GET /ai/admin/dead-letters} ({@code ?all=true} with the
 * re-driven ones), {@code POST /ai/admin/dead-letters/{id}/redrive}: a re-driven turn is answered
 * anew. delivery-service keeps the index; the payload (customers' text) is never shown.
 */
@RestController
class DeadLettersController {

  private final DeliveryClient delivery;
  private final SecurityAudit audit;

  DeadLettersController(DeliveryClient delivery, SecurityAudit audit) {
    this.delivery = delivery;
    this.audit = audit;
  }

  @GetMapping("/ai/admin/dead-letters")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt, @RequestParam(defaultValue = "false") boolean all) {
    return delivery.deadLetters(Caller.of(jwt).tenantId(), all);
  }

  @PostMapping("/ai/admin/dead-letters/{id}/redrive")
  Mono<JsonNode> redrive(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9-]{1,64}", message = "id must be a dead letter's id") String id) {
    Caller caller = Caller.of(jwt);
    return delivery.redriveDeadLetter(caller.tenantId(), id)
        .doOnNext(done -> audit.done(caller, "dead-letter.redrive", "dead letter " + id));
  }
}
