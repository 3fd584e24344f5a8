package dev.parley.context.analysis;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.context.intelligence.Catalog;
import dev.parley.context.intelligence.Suggestions;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.reference.Product;
import dev.parley.schemas.Keys;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads a message the way a turn is read (intent, entities against the tenant's inventory,
 * sentiment, language) without recording anything: for sales tools that want the analysis alone.
 * Internal API, called through ingress-service's {@code POST /ai/analyze-intent}.
 */
@RestController
class AnalysisController {

  record Request(String message) {
  }

  record EntityView(String type, String text, String value) {
  }

  record Analysis(String intent, double confidence, String language, List<EntityView> entities, double sentiment,
      int frustration, List<String> suggestedActions, List<String> followUpQuestions) {
  }

  private final TurnAnalyzer analyzer = new TurnAnalyzer();
  private final KafkaStreamsInteractiveQueryService queries;

  AnalysisController(KafkaStreamsInteractiveQueryService queries) {
    this.queries = queries;
  }

  @PostMapping("/internal/tenants/{tenantId}/analyze")
  Mono<Analysis> analyze(@PathVariable String tenantId, @RequestBody Request request) {
    if (request == null || request.message() == null || request.message().isBlank()) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "message is required and must not be blank"));
    }
    return Mono.fromCallable(() -> {
      var reading = analyzer.read(request.message(), catalog(tenantId));
      var suggestions = Suggestions.forIntent(reading.intent().getName());
      return new Analysis(reading.intent().getName(), reading.intent().getConfidence(), reading.analysis().getLanguage(),
          reading.analysis().getEntities().stream().map(e -> new EntityView(e.getType(), e.getText(), e.getValue())).toList(),
          reading.analysis().getSentiment(), reading.analysis().getFrustration(), suggestions.actions(), suggestions.questions());
    }).subscribeOn(Schedulers.boundedElastic()); // reads the inventory store
  }

  private Catalog catalog(String tenantId) {
    var store = queries.retrieveQueryableStore(ConversationTopology.INVENTORY_STORE, QueryableStoreTypes.<String, Product>timestampedKeyValueStore());
    try (var items = store.prefixScan(Keys.of(tenantId, ""), new StringSerializer())) {
      return Catalog.of(items);
    }
  }
}
