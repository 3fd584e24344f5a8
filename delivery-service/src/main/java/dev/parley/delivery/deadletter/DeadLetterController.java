package dev.parley.delivery.deadletter;

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
 * Dead letters and their re-drive: for a tenant's admins through ingress
 * ({@code /internal/tenants/{tenant}/dead-letters}, only that tenant's), and for operators across
 * tenants ({@code /admin/dead-letters}). The payload is never shown (it holds customers' text).
 * Internal API: it answers only Parley's services.
 */
@RestController
class DeadLetterController {

  record View(String id, String service, String sourceTopic, String conversationId, String reason, Instant deadAt,
      Instant redrivenAt, boolean redrivable) {

    static View of(DeadLetterIndex.Entry entry) {
      String conversation = entry.key() != null && entry.key().indexOf(':') > 0 ? entry.key().substring(entry.key().indexOf(':') + 1) : null;
      return new View(entry.id(), entry.service(), entry.sourceTopic(), conversation, entry.reason(), entry.deadAt(),
          entry.redrivenAt(), entry.payload() != null && entry.redrivenAt() == null);
    }
  }

  record Redriven(String id, String result) {
  }

  private final DeadLetters deadLetters;

  DeadLetterController(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  @GetMapping("/internal/tenants/{tenant}/dead-letters")
  Mono<List<View>> ofTenant(@PathVariable String tenant, @RequestParam(defaultValue = "false") boolean all) {
    return list(tenant, all);
  }

  @PostMapping("/internal/tenants/{tenant}/dead-letters/{id}/redrive")
  Mono<Redriven> redriveOfTenant(@PathVariable String tenant, @PathVariable String id) {
    return redrive(id, tenant);
  }

  @GetMapping("/admin/dead-letters")
  Mono<List<View>> all(@RequestParam(required = false) String tenant, @RequestParam(defaultValue = "false") boolean all) {
    return list(tenant, all);
  }

  @PostMapping("/admin/dead-letters/{id}/redrive")
  Mono<Redriven> redrive(@PathVariable String id) {
    return redrive(id, null);
  }

  private Mono<List<View>> list(String tenant, boolean includeRedriven) {
    return Mono.fromCallable(() -> deadLetters.of(tenant, includeRedriven).stream().map(View::of).toList())
        .subscribeOn(Schedulers.boundedElastic()); // the index blocks on the database
  }

  /** Another tenant's dead letter is "not found" to a tenant: its existence is not theirs to learn. */
  private Mono<Redriven> redrive(String id, String tenant) {
    return Mono.fromCallable(() -> switch (deadLetters.redrive(id, tenant)) {
      case REDRIVEN -> new Redriven(id, "REDRIVEN");
      case NOT_FOUND -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no dead letter " + id);
      case ALREADY_REDRIVEN -> throw new ResponseStatusException(HttpStatus.CONFLICT,
          "dead letter " + id + " was re-driven already; a failure of the re-driven record is a dead letter of its own");
      case NO_PAYLOAD -> throw new ResponseStatusException(HttpStatus.CONFLICT,
          "dead letter " + id + " kept no payload (the record could not be read), so there is nothing to re-drive");
    }).subscribeOn(Schedulers.boundedElastic()); // the index and the send block
  }
}
