package dev.parley.context.conversation;

import dev.parley.schemas.metrics.AiMeters;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.context.director.CoachingRule;
import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.TurnAnalyzer;
import java.util.List;
import dev.parley.context.profile.ProfileProcessor;
import dev.parley.events.CustomerProfile;
import dev.parley.events.AssistantReply;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.ModelInfo;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.FallbackReplies;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Repartitioned;
import dev.parley.events.ConversationState;
import dev.parley.events.CustomerContext;
import dev.parley.events.DealContext;
import dev.parley.events.UserTurn;
import dev.parley.reference.Customer;
import dev.parley.reference.Deal;
import dev.parley.reference.MlInsight;
import dev.parley.reference.Product;
import dev.parley.schemas.ValueSerdes;
import dev.parley.state.PendingTurn;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * context-service's topology, a pure function of its settings and serdes:
 *
 * <pre>
 * inbound-messages ─▶ form-turns (drop seen message ids, combine bursts) ─▶ turns
 *                                  │
 *                                  ├─ join customers, deals (global tables)
 *                                  ▼
 * replies, conversation-commands ─▶ conversation (single writer of the conversation store and its indexes)
 *                                  ├─▶ enriched-turns ─▶ reply-watchdog (no reply in time: fallback reply,
 *                                  │                     reply-failures, dead-letters)
 *                                  ├─▶ conversations (latest state, compacted)
 *                                  ├─▶ conversation-errors (refused commands and turns)
 *                                  ├─▶ command-outcomes (the verdict on every command)
 *                                  ├─▶ conversation-events (started, escalated, handed back, closed, ...)
 *                                  └─▶ turns-by-customer ─▶ profile ─▶ customer-profiles ─▶ (global table)
 * </pre>
 *
 * Every store and stateful step has a fixed name so its changelog topic survives topology changes.
 */
public final class ConversationTopology {

  public static final String SEEN_MESSAGES_STORE = "seen-message-ids";
  public static final String PENDING_TURNS_STORE = "pending-turns";
  public static final String CONVERSATIONS_STORE = "conversations";
  public static final String CUSTOMERS_STORE = "ref-customers";
  public static final String DEALS_STORE = "ref-deals";
  public static final String INVENTORY_STORE = "ref-inventory";
  public static final String ML_INSIGHTS_STORE = "ref-ml-insights";
  public static final String PROFILES_LOOKUP_STORE = "ref-customer-profiles";
  public static final String TURNS_BY_CUSTOMER = "turns-by-customer";
  public static final String AWAITING_REPLIES_STORE = "awaiting-replies";

  /** Who answered a turn that no reply came back for in time. */
  static final ModelInfo WATCHDOG = new ModelInfo("parley-reply-watchdog", "parley", true);

  /**
   * Settings of the topology.
   *
   * @param dedupWindow     how long a message id is remembered
   * @param debounce        gaps that combine bursts into one turn
   * @param debounceTick    how often (wall clock) due bursts are released
   * @param keptMessages    messages kept in conversation state
   * @param historyMessages messages given to the model with a turn
   * @param coachingRules   the conversation director's rules
   * @param replyDeadline   how long a turn waits for its answer before the customer gets the fallback
   */
  public record Settings(Duration dedupWindow, DebounceGaps debounce, Duration debounceTick, int keptMessages,
      int historyMessages, List<CoachingRule> coachingRules, Duration replyDeadline) {
    public static Settings defaults() {
      return new Settings(Duration.ofHours(24), DebounceGaps.standard(), Duration.ofMillis(200), 20, 10,
          ConversationDirector.standardRules(), Duration.ofSeconds(30));
    }
  }

  private ConversationTopology() {
  }

  /** Builds the topology on its own builder: for tests and tools. */
  public static Topology build(Settings settings, ValueSerdes serdes, AiMeters meters) {
    StreamsBuilder builder = new StreamsBuilder();
    define(builder, settings, serdes, meters);
    return builder.build();
  }

  /**
   * Adds the topology to a builder owned by someone else (Spring's StreamsBuilderFactoryBean).
   *
   * @param meters counts messages, new conversations and fallbacks as they pass; a task that is
   *               processed again after a failure counts again (meters are not part of a
   *               transaction: the windowed aggregates on the topics are the exact figures)
   */
  public static void define(StreamsBuilder builder, Settings settings, ValueSerdes serdes, AiMeters meters) {
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(SEEN_MESSAGES_STORE, settings.dedupWindow(), settings.dedupWindow(), false),
        Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(PENDING_TURNS_STORE),
        Serdes.String(), serdes.valueSerde(PendingTurn.class)).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(CONVERSATIONS_STORE),
        Serdes.String(), serdes.valueSerde(ConversationState.class)).withCachingEnabled());
    // Stores written several times a turn keep their writes in Streams' cache until the next commit
    // (every 100 ms): a key written twice (the turn, then its reply) or written and deleted (a
    // watch, a pending turn, an index entry) in between reaches the changelog once, not twice.
    // The conversation store's secondary indexes, written with it by the same processor.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ConversationIndex.STORE), Serdes.String(), Serdes.String()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ConversationIndex.COUNTS_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AWAITING_REPLIES_STORE),
        Serdes.String(), serdes.valueSerde(EnrichedTurn.class)).withCachingEnabled());

    GlobalKTable<String, Customer> customers = builder.globalTable(Topics.CUSTOMERS.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.CUSTOMERS)).withName("customers"),
        Materialized.<String, Customer, KeyValueStore<Bytes, byte[]>>as(CUSTOMERS_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.CUSTOMERS)));
    GlobalKTable<String, Deal> deals = builder.globalTable(Topics.DEALS.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.DEALS)).withName("deals"),
        Materialized.<String, Deal, KeyValueStore<Bytes, byte[]>>as(DEALS_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.DEALS)));

    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ProfileProcessor.STORE),
        Serdes.String(), serdes.valueSerde(CustomerProfile.class)).withCachingEnabled());

    GlobalKTable<String, MlInsight> insights = builder.globalTable(Topics.ML_INSIGHTS.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.ML_INSIGHTS)).withName("ml-insights"),
        Materialized.<String, MlInsight, KeyValueStore<Bytes, byte[]>>as(ML_INSIGHTS_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.ML_INSIGHTS)));

    // The tenant's products and places, which entity extraction matches turns against.
    builder.globalTable(Topics.INVENTORY.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.INVENTORY)).withName("inventory"),
        Materialized.<String, Product, KeyValueStore<Bytes, byte[]>>as(INVENTORY_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.INVENTORY)));

    // Drop repeated message ids, combine bursts into turns, and publish the turns for audit and replay.
    KStream<String, UserTurn> turns = stream(builder, Topics.INBOUND_MESSAGES, serdes)
        .process(() -> new TurnAssembler(settings.dedupWindow(), settings.debounce(), settings.debounceTick()),
            Named.as("form-turns"), SEEN_MESSAGES_STORE, PENDING_TURNS_STORE);
    turns.to(Topics.TURNS.name(), produced(Topics.TURNS, serdes, "turns-sink"));
    turns.foreach((key, turn) -> meters.messagesSent(AiMeters.Role.USER, turn.getMessageIds().size()), Named.as("count-user-messages"));

    // Join the CRM context the turn names. Global tables: reference data is small and read-mostly,
    // and a global join needs no repartition of the conversation stream.
    KStream<String, ConversationInput> turnInputs = turns
        .leftJoin(customers, (key, turn) -> refKey(turn.getTenantId(), turn.getCustomerId()),
            (turn, customer) -> new ConversationInput.Turn(turn, customerContext(customer),
                customer == null ? null : customer.getPhone(), null, null),
            Named.as("join-customer"))
        // A deal joins only when the CRM says it is the turn's customer's: a deal id someone names
        // never brings another customer's deal into their prompt.
        .leftJoin(deals, (key, input) -> refKey(input.turn().getTenantId(), input.turn().getDealId()),
            (input, deal) -> input.withDeal(dealOf(deal, input.turn())),
            Named.as("join-deal"))
        .leftJoin(insights, (key, input) -> refKey(input.turn().getTenantId(), input.turn().getCustomerId()),
            (input, insight) -> input.withInsight(insight),
            Named.as("join-ml-insight"))
        .mapValues(input -> (ConversationInput) input, Named.as("as-turn-input"));

    KStream<String, AssistantReply> replyStream = stream(builder, Topics.REPLIES, serdes);
    replyStream.foreach((key, reply) -> meters.messagesSent(reply.getAuthor() == ReplyAuthor.AGENT ? AiMeters.Role.AGENT : AiMeters.Role.ASSISTANT, 1),
        Named.as("count-replies"));
    KStream<String, ConversationInput> replyInputs = replyStream
        .mapValues(reply -> (ConversationInput) new ConversationInput.Reply(reply), Named.as("as-reply-input"));

    KStream<String, ConversationInput> commandInputs = stream(builder, Topics.CONVERSATION_COMMANDS, serdes)
        .mapValues(command -> (ConversationInput) new ConversationInput.Command(command), Named.as("as-command-input"));

    KStream<String, ConversationUpdate> updates = turnInputs
        .merge(replyInputs, Named.as("conversation-inputs"))
        .merge(commandInputs, Named.as("conversation-commands"))
        .process(() -> new ConversationProcessor(settings.keptMessages(), settings.historyMessages(), new TurnAnalyzer(),
                new ConversationDirector(settings.coachingRules())),
            Named.as("conversation"), CONVERSATIONS_STORE, ConversationIndex.STORE, ConversationIndex.COUNTS_STORE);

    updates.filter((key, update) -> update.state() != null, Named.as("changes-only"))
        .mapValues(ConversationUpdate::state, Named.as("state"))
        .to(Topics.CONVERSATIONS.name(), produced(Topics.CONVERSATIONS, serdes, "conversations-sink"));
    KStream<String, EnrichedTurn> enrichedTurns = updates.filter((key, update) -> update.enrichedTurn() != null, Named.as("turns-only"))
        .mapValues(ConversationUpdate::enrichedTurn, Named.as("enriched"));
    enrichedTurns.to(Topics.ENRICHED_TURNS.name(), produced(Topics.ENRICHED_TURNS, serdes, "enriched-turns-sink"));

    // Every turn handed out to be answered is watched until its reply comes back; one still
    // unanswered at the deadline gets the fallback (under its own reply id, so a late answer counts
    // for nothing), a failure event, and a dead letter an admin can re-drive.
    KStream<String, EnrichedTurn> unanswered = enrichedTurns
        .mapValues(turn -> (ReplyWatchdog.Watch) new ReplyWatchdog.Start(turn), Named.as("watch-turn"))
        .merge(replyStream.mapValues(reply -> (ReplyWatchdog.Watch) new ReplyWatchdog.Stop(reply.getTurnId()),
            Named.as("reply-came")), Named.as("watches"))
        .process(() -> new ReplyWatchdog(settings.replyDeadline(), Duration.ofSeconds(1)), Named.as("reply-watchdog"),
            AWAITING_REPLIES_STORE);
    unanswered.foreach((key, turn) -> meters.fallback(AiMeters.FallbackReason.REPLY_TIMEOUT), Named.as("count-reply-timeouts"));
    unanswered.mapValues(turn -> FallbackReplies.reply(turn, Keys.replyId(turn.getEventId(), null), WATCHDOG, Instant.now()),
            Named.as("fallback-reply"))
        .to(Topics.REPLIES.name(), produced(Topics.REPLIES, serdes, "fallback-replies-sink"));
    unanswered.mapValues(turn -> FallbackReplies.failure(turn, Keys.replyId(turn.getEventId(), null),
            noReplyWithin(settings.replyDeadline()), 0, false, WATCHDOG.getName(), Instant.now()), Named.as("why-fallback"))
        .to(Topics.REPLY_FAILURES.name(), produced(Topics.REPLY_FAILURES, serdes, "reply-failures-sink"));
    // One serializer for every letter: a new one asks the registry again (tens of ms), and a watchdog
    // answering a backlog of overdue turns then outlived its transaction and was fenced, again and again.
    Serializer<EnrichedTurn> turnBytes = serdes.valueSerde(Topics.ENRICHED_TURNS).serializer();
    unanswered.map((key, turn) -> KeyValue.pair(key, DeadLetters.unanswered("context-service", key, turn.getEventId(),
            turnBytes.serialize(Topics.ENRICHED_TURNS.name(), turn),
            noReplyWithin(settings.replyDeadline()))), Named.as("unanswered-turn"))
        .to(Topics.DEAD_LETTERS.name(), produced(Topics.DEAD_LETTERS, serdes, "unanswered-turns-sink"));
    // Profiles: every turn, re-keyed by customer (one repartition), folded into the customer's
    // profile by its single writer, published compacted, and read back as a global table so the
    // conversation processor can tell a returning customer what they looked at last time.
    updates.filter((key, update) -> update.enrichedTurn() != null, Named.as("turns-for-profiles"))
        .map((key, update) -> KeyValue.pair(profileKey(update.enrichedTurn()), update.enrichedTurn()), Named.as("by-customer"))
        .repartition(Repartitioned.with(Serdes.String(), serdes.valueSerde(Topics.ENRICHED_TURNS)).withName(TURNS_BY_CUSTOMER))
        .process(ProfileProcessor::new, Named.as("profile"), ProfileProcessor.STORE)
        .to(Topics.CUSTOMER_PROFILES.name(), produced(Topics.CUSTOMER_PROFILES, serdes, "customer-profiles-sink"));
    builder.globalTable(Topics.CUSTOMER_PROFILES.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(Topics.CUSTOMER_PROFILES)).withName("customer-profiles"),
        Materialized.<String, CustomerProfile, KeyValueStore<Bytes, byte[]>>as(PROFILES_LOOKUP_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.CUSTOMER_PROFILES)));

    // An agent's message goes out as a reply, on the topic every reply consumer reads.
    updates.filter((key, update) -> update.agentReply() != null, Named.as("agent-replies-only"))
        .mapValues(ConversationUpdate::agentReply, Named.as("agent-reply"))
        .to(Topics.REPLIES.name(), produced(Topics.REPLIES, serdes, "agent-replies-sink"));

    KStream<String, ConversationEvent> events = updates.flatMapValues(ConversationUpdate::events, Named.as("events"));
    events.to(Topics.CONVERSATION_EVENTS.name(), produced(Topics.CONVERSATION_EVENTS, serdes, "conversation-events-sink"));
    events.filter((key, event) -> event.getType() == ConversationEventType.STARTED, Named.as("started-only"))
        .foreach((key, event) -> meters.conversationCreated(), Named.as("count-conversations"));

    updates.filter((key, update) -> update.outcome() != null, Named.as("outcomes-only"))
        .mapValues(ConversationUpdate::outcome, Named.as("outcome"))
        .to(Topics.COMMAND_OUTCOMES.name(), produced(Topics.COMMAND_OUTCOMES, serdes, "command-outcomes-sink"));

    updates.filter((key, update) -> update.error() != null, Named.as("errors-only"))
        .mapValues(ConversationUpdate::error, Named.as("error"))
        .to(Topics.CONVERSATION_ERRORS.name(), produced(Topics.CONVERSATION_ERRORS, serdes, "conversation-errors-sink"));
  }

  private static <V extends SpecificRecord> KStream<String, V> stream(StreamsBuilder builder, Topic<V> topic, ValueSerdes serdes) {
    return builder.stream(topic.name(),
        Consumed.with(Serdes.String(), serdes.valueSerde(topic)).withName(topic.name() + "-source"));
  }

  private static <V extends SpecificRecord> Produced<String, V> produced(Topic<V> topic, ValueSerdes serdes, String name) {
    return Produced.with(Serdes.String(), serdes.valueSerde(topic)).withName(name);
  }

  private static java.util.concurrent.TimeoutException noReplyWithin(Duration deadline) {
    return new java.util.concurrent.TimeoutException("no reply to the turn within " + deadline.toSeconds() + " s");
  }

  /** A profile belongs to the CRM customer when the turn names one, otherwise to the chat user. */
  public static String profileKey(EnrichedTurn turn) {
    String customer = turn.getTurn().getCustomerId();
    return Keys.of(turn.getTurn().getTenantId(), customer != null ? customer : "user-" + turn.getTurn().getUserId());
  }

  /** The reference key, or null (no join) when the turn names nothing. */
  private static String refKey(String tenantId, String id) {
    return id == null || id.isBlank() ? null : Keys.of(tenantId, id);
  }

  private static CustomerContext customerContext(Customer customer) {
    return customer == null ? null : CustomerContext.newBuilder()
        .setCustomerId(customer.getCustomerId())
        .setName(customer.getName())
        .setSegment(customer.getSegment())
        .setCreditScore(customer.getCreditScore())
        .setState(customer.getState())
        .build();
  }

  private static DealContext dealOf(Deal deal, UserTurn turn) {
    return deal == null || turn.getCustomerId() == null || !turn.getCustomerId().equals(deal.getCustomerId()) ? null
        : dealContext(deal);
  }

  private static DealContext dealContext(Deal deal) {
    return deal == null ? null : DealContext.newBuilder()
        .setDealId(deal.getDealId())
        .setStage(deal.getStage())
        .setVehicle(deal.getVehicle())
        .setPrice(deal.getPrice())
        .setDownPayment(deal.getDownPayment())
        .setTradeInValue(deal.getTradeInValue())
        .build();
  }
}
