package dev.parley.context.profile;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.events.CustomerProfile;
import dev.parley.schemas.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Customer profiles and leads. Profiles are a global table, complete on every instance, so these
 * queries need no forwarding. Internal API, called through ingress-service.
 */
@RestController
class ProfileQueryController {

  /** A profile as the API shows it. */
  record ProfileView(String customerKey, int sessionCount, int turnCount, Map<String, String> preferences,
      List<String> productsViewed, int objections, List<Double> sentimentHistory, int engagementScore,
      int intentToBuyScore, String leadTemperature, Instant firstSeenAt, Instant lastSeenAt, List<String> conversationIds) {

    static ProfileView of(CustomerProfile p) {
      return new ProfileView(p.getCustomerKey(), p.getSessionCount(), p.getTurnCount(), p.getPreferences(),
          p.getProductsViewed(), p.getObjections(), p.getSentimentHistory(), p.getEngagementScore(),
          p.getIntentToBuyScore(), p.getLeadTemperature(), p.getFirstSeenAt(), p.getLastSeenAt(), p.getConversationIds());
    }
  }

  record Leads(List<ProfileView> items, int total) {
  }

  private final KafkaStreamsInteractiveQueryService queries;

  ProfileQueryController(KafkaStreamsInteractiveQueryService queries) {
    this.queries = queries;
  }

  @GetMapping("/internal/tenants/{tenantId}/customers/{customerKey}/profile")
  Mono<ProfileView> profile(@PathVariable String tenantId, @PathVariable String customerKey) {
    return Mono.fromCallable(() -> store().get(Keys.of(tenantId, customerKey)))
        .subscribeOn(Schedulers.boundedElastic())
        .map(found -> ProfileView.of(found.value()))
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no profile for " + customerKey)));
  }

  /**
   * The tenant's leads of a temperature, most likely to buy first. Reads every profile of the
   * tenant (off the event loop): unlike conversations, profiles are a global table, filled from
   * one compacted topic and restored from it without passing any processor of ours, so no index
   * can be kept beside it in the same store update. An index needs its own topic (written by
   * {@link ProfileProcessor}, read back as a second global table) — a follow-up.
   */
  @GetMapping("/internal/tenants/{tenantId}/leads")
  Mono<Leads> leads(@PathVariable String tenantId, @RequestParam(defaultValue = "HOT") String temperature,
      @RequestParam(defaultValue = "50") int limit) {
    String wanted = temperature.toUpperCase(Locale.ROOT);
    return Mono.fromCallable(() -> {
      List<CustomerProfile> found = new ArrayList<>();
      try (var all = store().prefixScan(Keys.of(tenantId, ""), new StringSerializer())) {
        all.forEachRemaining(entry -> {
          if (wanted.equals(entry.value.value().getLeadTemperature())) {
            found.add(entry.value.value());
          }
        });
      }
      found.sort(Comparator.comparingInt(CustomerProfile::getIntentToBuyScore).reversed()
          .thenComparing(CustomerProfile::getLastSeenAt, Comparator.reverseOrder()));
      return new Leads(found.stream().limit(Math.max(1, Math.min(limit, 200))).map(ProfileView::of).toList(), found.size());
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<CustomerProfile>> store() {
    return queries.retrieveQueryableStore(ConversationTopology.PROFILES_LOOKUP_STORE,
        QueryableStoreTypes.timestampedKeyValueStore());
  }
}
