package dev.parley.context.query;

import java.time.Instant;
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
 * or a count gathers every instance's part ({@code scope=local} asks one instance for its own part
 * only). Lists walk the conversation index ({@link ConversationLists}), never all of a tenant's
 * conversations.
 *
 * <p>Internal API: it answers only Parley's services (InternalApiConfiguration) and trusts the
 * tenant in the path, which ingress takes from the caller's token.
 */
@RestController
class ConversationQueryController {

  /**
   * A page of conversations, newest first.
   *
   * @param total      how many conversations match: exact when {@code totalExact}, otherwise at least this many
   *                   (counting every match of a filter the index cannot narrow would mean reading them all)
   * @param hasMore    whether matches may follow this page
   */
  record Page(List<ConversationView> items, int total, int offset, int limit, boolean totalExact, boolean hasMore) {

    static Page of(ConversationLists.Part part, int offset, int limit) {
      List<ConversationView> items = part.items().subList(Math.min(offset, part.items().size()),
          Math.min(offset + limit, part.items().size()));
      return new Page(List.copyOf(items), part.total(), offset, limit, part.totalExact(),
          !part.totalExact() || offset + limit < part.total());
    }
  }

  /** How many conversations a tenant has, in all and by status. */
  record Counts(long total, Map<String, Long> byStatus) {

    static Counts of(Map<String, Long> byStatus) {
      return new Counts(byStatus.values().stream().mapToLong(Long::longValue).sum(), byStatus);
    }
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
    if (offset < 0 || limit < 1 || limit > 200 || offset + limit > ConversationLists.MAX_WALKED) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
          "offset must be >= 0, limit 1 to 200, and offset + limit at most " + ConversationLists.MAX_WALKED
              + " (narrow a deeper list with updatedSince or a filter)"));
    }
    ConversationFilter filter = new ConversationFilter(status, customer, language, temperature, updatedSince, owner);
    // Every instance answers its own first offset + limit: the page is among them.
    Mono<ConversationLists.Part> local = whenReady(Mono.fromCallable(() -> queries.localList(tenantId, filter, offset + limit)))
        .subscribeOn(Schedulers.boundedElastic()); // RocksDB reads block
    if ("local".equals(scope)) {
      return local.map(part -> new Page(part.items(), part.total(), offset, limit, part.totalExact(), false));
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
    filters.put("offset", offset);
    filters.put("limit", limit);
    Flux<ConversationLists.Part> parts = Flux.fromIterable(queries.instances())
        .flatMap(host -> queries.isSelf(host) ? local : fromInstance(host, "/internal/tenants/{t}/conversations", tenantId,
            filters, Page.class).map(page -> new ConversationLists.Part(page.items(), page.total(), page.totalExact())));
    return parts.switchIfEmpty(local).collectList()
        .map(all -> Page.of(ConversationLists.Part.merge(all, offset + limit), offset, limit));
  }

  /**
   * How many conversations the tenant has, by status, from the index's counts (ingress's escalation
   * queue counts ESCALATED): never a walk over conversations.
   */
  @GetMapping("/internal/tenants/{tenantId}/conversation-counts")
  Mono<Counts> counts(@PathVariable String tenantId, @RequestParam(defaultValue = "all") String scope) {
    Mono<Map<String, Long>> local = whenReady(Mono.fromCallable(() -> queries.localCounts(tenantId)))
        .subscribeOn(Schedulers.boundedElastic());
    if ("local".equals(scope)) {
      return local.map(Counts::of);
    }
    return Flux.fromIterable(queries.instances())
        .flatMap(host -> queries.isSelf(host) ? local
            : fromInstance(host, "/internal/tenants/{t}/conversation-counts", tenantId, Map.of(), Counts.class).map(Counts::byStatus))
        .switchIfEmpty(local)
        .reduce(new LinkedHashMap<String, Long>(), (sum, part) -> {
          part.forEach((status, count) -> sum.merge(status, count, Long::sum));
          return sum;
        })
        .map(Counts::of);
  }

  /** Another instance's own part ({@code scope=local}) of a list or count. */
  private <T> Mono<T> fromInstance(HostInfo host, String path, String tenantId, Map<String, Object> parameters, Class<T> type) {
    return http.get()
        .uri(base(host), uri -> {
          uri.path(path).queryParam("scope", "local");
          parameters.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
          Map<String, Object> variables = new LinkedHashMap<>(parameters);
          variables.put("t", tenantId);
          return uri.build(variables);
        })
        .retrieve().bodyToMono(type)
        // Another instance that cannot answer yet (rebalancing, restarting): the whole answer is not ready.
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
            "another instance cannot answer right now; retry shortly", e));
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
