package dev.parley.context.query;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.events.ConversationState;
import dev.parley.events.CustomerProfile;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import dev.parley.schemas.Keys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.stereotype.Component;

/**
 * Reads the conversation store of this instance, and knows which instance owns a key. The
 * controller forwards a request to the owning instance; a list is gathered from every instance.
 */
@Component
class ConversationQueries {

  private final KafkaStreamsInteractiveQueryService queries;
  private final StreamsBuilderFactoryBean streams;

  ConversationQueries(KafkaStreamsInteractiveQueryService queries, StreamsBuilderFactoryBean streams) {
    this.queries = queries;
    this.streams = streams;
  }

  /** False while this instance is starting or rebalancing: its stores may be incomplete. */
  boolean ready() {
    KafkaStreams kafkaStreams = streams.getKafkaStreams();
    return kafkaStreams != null && kafkaStreams.state() == KafkaStreams.State.RUNNING;
  }

  /** The instance that owns a conversation. */
  HostInfo owner(String tenantId, String conversationId) {
    return queries.getKafkaStreamsApplicationHostInfo(ConversationTopology.CONVERSATIONS_STORE,
        Keys.of(tenantId, conversationId), Serdes.String().serializer());
  }

  boolean isSelf(HostInfo host) {
    return queries.getCurrentKafkaStreamsApplicationHostInfo().equals(host);
  }

  /** Every instance of the application, this one included. */
  List<HostInfo> instances() {
    KafkaStreams kafkaStreams = streams.getKafkaStreams();
    if (kafkaStreams == null) {
      return List.of();
    }
    return kafkaStreams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct().toList();
  }

  Optional<ConversationView> localOne(String tenantId, String conversationId, boolean withMessages) {
    return Optional.ofNullable(store().get(Keys.of(tenantId, conversationId)))
        .map(state -> ConversationView.of(state, withMessages, temperature(state)));
  }

  /** This instance's conversations of a tenant that match, newest first. Keys start with the tenant: a prefix scan. */
  List<ConversationView> localList(String tenantId, ConversationFilter filter) {
    List<ConversationView> found = new ArrayList<>();
    try (KeyValueIterator<String, ConversationState> all = store().prefixScan(Keys.of(tenantId, ""), new StringSerializer())) {
      all.forEachRemaining(entry -> {
        if (filter.matches(entry.value)) {
          String temperature = temperature(entry.value);
          if (filter.matchesTemperature(temperature)) {
            found.add(ConversationView.of(entry.value, false, temperature));
          }
        }
      });
    }
    found.sort(NEWEST_FIRST);
    return found;
  }

  static final Comparator<ConversationView> NEWEST_FIRST =
      Comparator.comparing(ConversationView::updatedAt).reversed().thenComparing(ConversationView::conversationId);

  /** The lead temperature of the conversation's customer, from the profiles global table (null before any profile). */
  private String temperature(ConversationState state) {
    String customer = state.getCustomerId() != null ? state.getCustomerId() : "user-" + state.getUserId();
    ValueAndTimestamp<CustomerProfile> profile = profiles().get(Keys.of(state.getTenantId(), customer));
    return profile == null ? null : profile.value().getLeadTemperature();
  }

  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<CustomerProfile>> profiles() {
    return queries.retrieveQueryableStore(ConversationTopology.PROFILES_LOOKUP_STORE, QueryableStoreTypes.timestampedKeyValueStore());
  }

  private ReadOnlyKeyValueStore<String, ConversationState> store() {
    return queries.retrieveQueryableStore(ConversationTopology.CONVERSATIONS_STORE, QueryableStoreTypes.keyValueStore());
  }
}
