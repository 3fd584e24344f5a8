package dev.parley.delivery.admin;

import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.delivery.queue.OutboundQueue;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Deliveries that ran out of retries, and their re-drive once the receiver is back: for a tenant's
 * admins through ingress ({@code /internal/tenants/{tenant}/failed-deliveries}, only that tenant's),
 * and for operators across tenants ({@code /admin/failed-deliveries}). Internal API: it answers
 * only Parley's services.
 */
@RestController
class FailedDeliveryController {

  record FailedView(long id, String tenantId, String conversationId, String kind, String eventId, String target, String reason,
      Instant failedAt) {
  }

  record Redriven(long id, String result) {
  }

  private final DeliveryLedger ledger;
  private final OutboundQueue queue;

  FailedDeliveryController(DeliveryLedger ledger, OutboundQueue queue) {
    this.ledger = ledger;
    this.queue = queue;
  }

  @GetMapping("/admin/failed-deliveries")
  Mono<List<FailedView>> open(@RequestParam(required = false) String tenant) {
    return Mono.fromCallable(() -> ledger.openFailures(tenant).stream()
            .map(f -> new FailedView(f.id(), f.tenantId(), f.conversationId(), f.kind(), f.eventId(), f.target(), f.reason(), f.failedAt()))
            .toList())
        .subscribeOn(Schedulers.boundedElastic()); // the ledger blocks on the database
  }

  @GetMapping("/internal/tenants/{tenant}/failed-deliveries")
  Mono<List<FailedView>> ofTenant(@PathVariable String tenant) {
    return open(tenant);
  }

  @PostMapping("/internal/tenants/{tenant}/failed-deliveries/{id}/redrive")
  Mono<Redriven> redriveOfTenant(@PathVariable String tenant, @PathVariable long id) {
    return redrive(id, tenant);
  }

  @PostMapping("/admin/failed-deliveries/{id}/redrive")
  Mono<Redriven> redrive(@PathVariable long id) {
    return redrive(id, null);
  }

  /** Another tenant's failure is "not found" to a tenant: its existence is not theirs to learn. */
  private Mono<Redriven> redrive(long id, String tenant) {
    return Mono.fromCallable(() -> ledger.failure(id)
            .filter(failure -> tenant == null || tenant.equals(failure.tenantId()))
            .map(failure -> {
              if (failure.redrivenAt() != null) {
                throw new ResponseStatusException(HttpStatus.CONFLICT, "failed delivery #" + id + " was re-driven at "
                    + failure.redrivenAt() + "; a failure of that re-drive is listed under its own id");
              }
              try {
                // Back in its target's queue, attempts counted anew; a failure again is listed under a new id.
                return new Redriven(id, queue.redrive(failure) ? "QUEUED" : "ALREADY_DELIVERED");
              } catch (OutboundQueue.TargetGone e) {
                throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
              }
            })
            .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no failed delivery #" + id)))
        .subscribeOn(Schedulers.boundedElastic()); // the queue writes to the database
  }
}
