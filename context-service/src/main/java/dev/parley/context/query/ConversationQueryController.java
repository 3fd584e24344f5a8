package dev.parley.context.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.parley.schemas.auth.ServiceIdentity;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Interactive queries over the conversation store, for ingress-service (the public edge) to call.
 * A conversation is read on the instance that owns its key, forwarding there when needed; a list
 * gathers every instance's part ({@code scope=local} asks one instance for its own part only).
 *
 * <p>Internal API: it answers only Parley's services (InternalApiConfiguration) and trusts the
 * tenant in the path, which ingress takes from the caller's token.
 */
@RestController
class ConversationQueryController {

  /** A page of conversations. */
  record Page(List<ConversationView> items, int total, int offset, int limit) {
  }

  private final ConversationQueries queries;
  private final WebClient http;

  ConversationQueryController(ConversationQueries queries, WebClient.Builder http, ServiceIdentity identity) {
    this.queries = queries;
    // Forwarded queries go to another instance's internal API: they carry this service's identity.
    this.http = http.filter(identity.authenticate()).build();
  }

  /** One conversation, with its recent messages unless {@code messages=false} (a keyed lookup of its status and owner). */
  @GetMapping("/internal/tenants/{tenantId}/conversations/{conversationId}")
  Mono<ConversationView> one(@PathVariable String tenantId, @PathVariable String conversationId,
      @RequestParam(defaultValue = "true") boolean messages) {
    return whenReady(Mono.fromCallable(() -> queries.owner(tenantId, conversationId)))
        .subscribeOn(Schedulers.boundedElastic()) // store metadata and RocksDB reads block
        .flatMap(owner -> queries.isSelf(owner)
            ? Mono.fromCallable(() -> queries.localOne(tenantId, conversationId, messages))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty)
            : http.get().uri(base(owner) + "/internal/tenants/{t}/conversations/{c}?messages={m}", tenantId, conversationId, messages)
                .retrieve().bodyToMono(ConversationView.class)
                .onErrorResume(org.springframework.web.reactive.function.client.WebClientResponseException.NotFound.class,
                    e -> Mono.empty())
                .onErrorMap(e -> !(e instanceof ResponseStatusException), e -> new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "the instance that owns the conversation cannot answer right now; retry", e)))
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no conversation " + conversationId)));
  }

  @GetMapping("/internal/tenants/{tenantId}/conversations")
  Mono<Page> list(@PathVariable String tenantId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String customer,
      @RequestParam(required = false) String language,
      @RequestParam(required = false) String temperature,
      @RequestParam(required = false) Instant updatedSince,
      @RequestParam(required = false) String owner,
      @RequestParam(defaultValue = "0") int offset,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "all") String scope) {
    if (offset < 0 || limit < 1 || limit > 200) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "offset must be >= 0 and limit 1 to 200"));
    }
    ConversationFilter filter = new ConversationFilter(status, customer, language, temperature, updatedSince, owner);
    Mono<List<ConversationView>> local = Mono.fromCallable(() -> queries.localList(tenantId, filter))
        .subscribeOn(Schedulers.boundedElastic());
    if ("local".equals(scope)) {
      return whenReady(local.map(views -> new Page(views, views.size(), 0, views.size())));
    }
    // Forwarded filters go in as URI variables, encoded as such: "{7*7}" is text, not a template.
    Map<String, Object> filters = new LinkedHashMap<>();
    filters.put("status", status);
    filters.put("customer", customer);
    filters.put("language", language);
    filters.put("temperature", temperature);
    filters.put("updatedSince", updatedSince);
    filters.put("owner", owner);
    filters.values().removeIf(java.util.Objects::isNull);
    Flux<List<ConversationView>> parts = Flux.fromIterable(queries.instances())
        .flatMap(host -> queries.isSelf(host) ? local : http.get()
            .uri(base(host), uri -> {
              uri.path("/internal/tenants/{t}/conversations").queryParam("scope", "local");
              filters.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
              Map<String, Object> variables = new LinkedHashMap<>(filters);
              variables.put("t", tenantId);
              return uri.build(variables);
            })
            .retrieve().bodyToMono(Page.class).map(Page::items)
            // Another instance that cannot answer yet (rebalancing, restarting): the whole list is not ready.
            .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "another instance cannot answer right now; retry shortly", e)));
    return parts.switchIfEmpty(local).collectList().map(all -> {
      List<ConversationView> merged = new ArrayList<>();
      all.forEach(merged::addAll);
      merged.sort(Comparator.comparing(ConversationView::updatedAt).reversed().thenComparing(ConversationView::conversationId));
      List<ConversationView> page = merged.subList(Math.min(offset, merged.size()), Math.min(offset + limit, merged.size()));
      return new Page(List.copyOf(page), merged.size(), offset, limit);
    });
  }

  /** A store read during a rebalance could miss keys: answer 503 (retry) rather than a wrong 404 or a short list. */
  private <T> Mono<T> whenReady(Mono<T> query) {
    return Mono.defer(() -> queries.ready() ? query : Mono.error(new ResponseStatusException(
        HttpStatus.SERVICE_UNAVAILABLE, "conversation store is rebalancing; retry shortly")));
  }

  private static String base(HostInfo host) {
    return "http://" + host.host() + ":" + host.port();
  }

}
