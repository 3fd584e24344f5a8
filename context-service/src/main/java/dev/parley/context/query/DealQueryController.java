package dev.parley.context.query;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.reference.Deal;
import dev.parley.schemas.Keys;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Whose a CRM deal is, from the deals global table (complete on every instance, so no
 * forwarding): ingress honours a deal id in a chat only when it is the customer's. Only the owner
 * is answered, not the deal: the deal's details reach nobody but that customer's conversation.
 */
@RestController
class DealQueryController {

  record DealOwner(String dealId, String customerId) {
  }

  private final KafkaStreamsInteractiveQueryService queries;

  DealQueryController(KafkaStreamsInteractiveQueryService queries) {
    this.queries = queries;
  }

  @GetMapping("/internal/tenants/{tenantId}/deals/{dealId}")
  Mono<DealOwner> owner(@PathVariable String tenantId, @PathVariable String dealId) {
    return Mono.fromCallable(() -> store().get(Keys.of(tenantId, dealId)))
        .subscribeOn(Schedulers.boundedElastic()) // a RocksDB read
        .map(found -> new DealOwner(found.value().getDealId(), found.value().getCustomerId()))
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no deal " + dealId)));
  }

  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Deal>> store() {
    return queries.retrieveQueryableStore(ConversationTopology.DEALS_STORE, QueryableStoreTypes.timestampedKeyValueStore());
  }
}
