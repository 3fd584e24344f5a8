package dev.parley.context.conversation;

import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.Catalog;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.reference.Product;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationEvent;
import dev.parley.schemas.Keys;
import dev.parley.events.CustomerProfile;
import dev.parley.events.ConversationState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The single writer of conversation state: reads the conversation, lets the rule for what came
 * decide ({@link TurnRules} for a turn, {@link ReplyRules} for a reply, {@link CommandRules} for a
 * command), and writes what they decided in one step: the new state (emitted for the public
 * conversations topic), what the change means ({@link ConversationEvents}), and the conversation's
 * place in the {@link ConversationIndex}.
 */
final class ConversationProcessor implements Processor<String, ConversationInput, String, ConversationUpdate> {

  private final TurnRules turns;
  private final ReplyRules replies;
  private final CommandRules commands;
  private final TurnRules.Lookups lookups = new TurnRules.Lookups() {
    @Override
    public Catalog catalog(String tenantId) {
      return ConversationProcessor.this.catalog(tenantId);
    }

    @Override
    public CustomerProfile profile(String profileKey) {
      ValueAndTimestamp<CustomerProfile> profile = profiles.get(profileKey);
      return profile == null ? null : profile.value();
    }
  };
  private ProcessorContext<String, ConversationUpdate> context;
  private KeyValueStore<String, ConversationState> store;
  private ConversationIndex index;
  private Cancellable commitBuiltIndex;

  private KeyValueStore<String, ValueAndTimestamp<Product>> inventory;
  private KeyValueStore<String, ValueAndTimestamp<CustomerProfile>> profiles;

  ConversationProcessor(int keptMessages, int historyMessages, TurnAnalyzer analyzer, ConversationDirector director) {
    RecentMessages recent = new RecentMessages(keptMessages);
    this.turns = new TurnRules(analyzer, director, recent, historyMessages);
    this.replies = new ReplyRules(recent);
    this.commands = new CommandRules(recent);
  }

  @Override
  public void init(ProcessorContext<String, ConversationUpdate> context) {
    this.context = context;
    this.store = context.getStateStore(ConversationTopology.CONVERSATIONS_STORE);
    this.index = new ConversationIndex(context.getStateStore(ConversationIndex.STORE), context.getStateStore(ConversationIndex.COUNTS_STORE));
    if (index.buildIfMissing(store)) {
      // Writes made in init are committed with the task's next commit, which a punctuation asks
      // for: a partition that gets no record must not hold the built index in an open transaction.
      commitBuiltIndex = context.schedule(java.time.Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME,
          now -> commitBuiltIndex.cancel());
    }
    this.inventory = context.getStateStore(ConversationTopology.INVENTORY_STORE);
    this.profiles = context.getStateStore(ConversationTopology.PROFILES_LOOKUP_STORE);
  }

  /** The tenant's products and places, from the inventory global table (keys start with the tenant). */
  private Catalog catalog(String tenantId) {
    try (var items = inventory.prefixScan(Keys.of(tenantId, ""), new StringSerializer())) {
      return Catalog.of(items);
    }
  }

  @Override
  public void process(Record<String, ConversationInput> record) {
    ConversationState state = store.get(record.key());
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    ConversationUpdate update;
    String causeId;
    String requestedBy = null;
    if (record.value() instanceof ConversationInput.Turn turn) {
      update = turns.onTurn(state, turn, now, lookups);
      causeId = turn.turn().getEventId();
    } else if (record.value() instanceof ConversationInput.Reply reply) {
      update = replies.onReply(state, reply.reply(), now);
      causeId = reply.reply().getEventId();
    } else {
      ConversationCommand command = ((ConversationInput.Command) record.value()).command();
      // Every command gets a verdict, so whoever sent it learns at once whether it was applied.
      update = commands.onCommand(state, command, now).withOutcomeOf(command, now);
      causeId = command.getEventId();
      requestedBy = command.getRequestedBy();
    }
    if (update != null) {
      if (update.state() != null) {
        store.put(record.key(), update.state());
        index.update(state, update.state());
      }
      List<ConversationEvent> events = new ArrayList<>(ConversationEvents.between(state, update.state(), causeId, requestedBy, now));
      events.addAll(update.events());
      context.forward(record.withValue(update.withEvents(events)));
    }
  }
}
