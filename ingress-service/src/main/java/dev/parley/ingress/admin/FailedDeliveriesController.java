package dev.parley.ingress.admin;

import dev.parley.ingress.downstream.DeliveryClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's admins see its deliveries that ran out of retries (WhatsApp messages, webhook calls)
 * and re-drive them once the receiver is back: {@code GET /ai/admin/failed-deliveries},
 * {@code POST /ai/admin/failed-deliveries/{id}/redrive} (404 for another tenant's id, 409 when it
 * was re-driven already). delivery-service keeps them.
 */
@RestController
class FailedDeliveriesController {

  private final DeliveryClient delivery;
  private final SecurityAudit audit;

  FailedDeliveriesController(DeliveryClient delivery, SecurityAudit audit) {
    this.delivery = delivery;
    this.audit = audit;
  }

  @GetMapping("/ai/admin/failed-deliveries")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt) {
    return delivery.failedDeliveries(Caller.of(jwt).tenantId());
  }

  @PostMapping("/ai/admin/failed-deliveries/{id}/redrive")
  Mono<JsonNode> redrive(@AuthenticationPrincipal Jwt jwt, @PathVariable long id) {
    Caller caller = Caller.of(jwt);
    return delivery.redriveFailedDelivery(caller.tenantId(), id)
        .doOnNext(done -> audit.done(caller, "failed-delivery.redrive", "failed delivery " + id));
  }
}
