package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.outbound.OutboundAddresses;
import dev.parley.delivery.secrets.SecretBox;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Internal API behind ingress's {@code /ai/webhooks}: ingress authenticates the tenant's admin and
 * validates the request; this checks where the URL leads ({@link OutboundAddresses}) and stores it.
 * Answers only Parley's services.
 */
@RestController
class WebhookSubscriptionController {

  record Registration(String url, List<String> events, String createdBy) {
  }

  /** A webhook as listed: never its secret, only a hint to tell secrets apart. */
  record WebhookView(String id, String url, List<String> events, String secretHint, String createdBy, Instant createdAt) {
  }

  /** A new webhook: the only time its secret is shown. */
  record Registered(String id, String url, List<String> events, String secret, String createdBy, Instant createdAt) {
  }

  private final WebhookSubscriptions subscriptions;
  private final TenantWebhooks webhooks;
  private final OutboundAddresses addresses;

  WebhookSubscriptionController(WebhookSubscriptions subscriptions, TenantWebhooks webhooks, OutboundAddresses addresses) {
    this.subscriptions = subscriptions;
    this.webhooks = webhooks;
    this.addresses = addresses;
  }

  /** 400 for a URL Parley will not send to (not https, or a host that resolves to an internal address). */
  @PostMapping("/internal/tenants/{tenant}/webhooks")
  Mono<ResponseEntity<Registered>> register(@PathVariable String tenant, @RequestBody Registration registration) {
    return Mono.fromCallable(() -> {
      try {
        addresses.checkUrl(registration.url());
      } catch (OutboundAddresses.Refused e) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
      }
      try {
        var created = subscriptions.register(tenant, registration.url(), registration.events(), registration.createdBy());
        webhooks.changed(tenant);
        return ResponseEntity.status(HttpStatus.CREATED).body(new Registered(created.id(), created.url(), created.events(),
            created.secret(), created.createdBy(), created.createdAt()));
      } catch (WebhookSubscriptions.AlreadyRegistered e) {
        throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
      }
    }).subscribeOn(Schedulers.boundedElastic()); // the store blocks on the database
  }

  @GetMapping("/internal/tenants/{tenant}/webhooks")
  Mono<List<WebhookView>> list(@PathVariable String tenant) {
    return Mono.fromCallable(() -> subscriptions.of(tenant).stream()
            .map(s -> new WebhookView(s.id(), s.url(), s.events(), SecretBox.hint(s.secret()), s.createdBy(), s.createdAt())).toList())
        .subscribeOn(Schedulers.boundedElastic());
  }

  @DeleteMapping("/internal/tenants/{tenant}/webhooks/{id}")
  Mono<ResponseEntity<Void>> delete(@PathVariable String tenant, @PathVariable String id) {
    return Mono.fromCallable(() -> {
      if (!subscriptions.delete(tenant, id)) {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no webhook " + id);
      }
      webhooks.changed(tenant);
      return ResponseEntity.noContent().<Void>build();
    }).subscribeOn(Schedulers.boundedElastic());
  }
}
