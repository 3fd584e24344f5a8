package dev.parley.context.query;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.events.ConversationState;
import dev.parley.events.CustomerProfile;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import dev.parley.schemas.Keys;
import dev.parley.context.conversation.ConversationIndex;
import dev.parley.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
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

  /** The first {@code wanted} of this instance's conversations of a tenant that match, newest first. */
  ConversationLists.Part localList(String tenantId, ConversationFilter filter, int wanted) {
    return ConversationLists.list(localPartitions(), this::temperature, tenantId, filter, wanted,
        ConversationLists.MAX_WALKED);
  }

  /** How many conversations of each status this instance holds of a tenant. */
  Map<String, Long> localCounts(String tenantId) {
    return ConversationLists.countByStatus(localPartitions(), tenantId);
  }

  /** The partitions of the conversation store this instance owns (tasks that read the conversation commands). */
  private List<ConversationPartition> localPartitions() {
    KafkaStreams kafkaStreams = streams.getKafkaStreams();
    if (kafkaStreams == null) {
      throw new InvalidStateStoreException("Kafka Streams has not started");
    }
    return kafkaStreams.metadataForLocalThreads().stream()
        .flatMap(thread -> thread.activeTasks().stream())
        .filter(task -> task.topicPartitions().stream().anyMatch(p -> p.topic().equals(Topics.CONVERSATION_COMMANDS.name())))
        .map(task -> task.taskId().partition())
        .map(partition -> new ConversationPartition(
            kafkaStreams.store(StoreQueryParameters.fromNameAndType(ConversationTopology.CONVERSATIONS_STORE,
                QueryableStoreTypes.<String, ConversationState>keyValueStore()).withPartition(partition)),
            kafkaStreams.store(StoreQueryParameters.fromNameAndType(ConversationIndex.STORE,
                QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition)),
            kafkaStreams.store(StoreQueryParameters.fromNameAndType(ConversationIndex.COUNTS_STORE,
                QueryableStoreTypes.<String, Long>keyValueStore()).withPartition(partition))))
        .toList();
  }

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
