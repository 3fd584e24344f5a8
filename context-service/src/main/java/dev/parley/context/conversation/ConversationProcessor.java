package dev.parley.context.conversation;

import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.Catalog;
import dev.parley.context.intelligence.LanguageDetector;
import dev.parley.context.intelligence.Suggestions;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.events.TurnAnalysis;
import dev.parley.reference.Product;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import dev.parley.events.AssistantReply;
import dev.parley.events.AgentMessage;
import dev.parley.events.ChangeStage;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ModelInfo;
import dev.parley.events.TokenUsage;
import dev.parley.events.Escalate;
import dev.parley.events.EscalationInfo;
import dev.parley.events.FeedbackInfo;
import dev.parley.events.RecordFeedback;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.SetCustomerName;
import dev.parley.schemas.Keys;
import dev.parley.events.ConversationMessage;
import dev.parley.events.CustomerProfile;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Intent;
import dev.parley.events.Role;
import dev.parley.events.SalesStage;
import dev.parley.events.UserTurn;
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
 * The single writer of conversation state. For a turn it classifies the intent, records the
 * message and emits the enriched turn with the history before it; for a reply it records the
 * assistant's message; for a command it applies the change if allowed (the sales stage moves only
 * as {@link SalesStages} allows) or emits a ConversationError. Every change emits the new state
 * for the public conversations topic, and what the change means ({@link ConversationEvents}),
 * and moves the conversation in the {@link ConversationIndex} in the same step.
 *
 * <p>Replies are folded idempotently: a reply whose id is already in the recent messages is a
 * redelivery and changes nothing.
 */
final class ConversationProcessor implements Processor<String, ConversationInput, String, ConversationUpdate> {

  private static final java.time.Duration WHATSAPP_WINDOW = java.time.Duration.ofHours(24);

  private final int keptMessages;
  private final int historyMessages;
  private final TurnAnalyzer analyzer;
  private final ConversationDirector director;
  private ProcessorContext<String, ConversationUpdate> context;
  private KeyValueStore<String, ConversationState> store;
  private ConversationIndex index;
  private Cancellable commitBuiltIndex;

  private KeyValueStore<String, ValueAndTimestamp<Product>> inventory;
  private KeyValueStore<String, ValueAndTimestamp<CustomerProfile>> profiles;

  ConversationProcessor(int keptMessages, int historyMessages, TurnAnalyzer analyzer, ConversationDirector director) {
    this.keptMessages = keptMessages;
    this.historyMessages = historyMessages;
    this.analyzer = analyzer;
    this.director = director;
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
      update = onTurn(state, turn, now);
      causeId = turn.turn().getEventId();
    } else if (record.value() instanceof ConversationInput.Reply reply) {
      update = onReply(state, reply.reply(), now);
      causeId = reply.reply().getEventId();
    } else {
      ConversationCommand command = ((ConversationInput.Command) record.value()).command();
      // Every command gets a verdict, so whoever sent it learns at once whether it was applied.
      update = onCommand(state, command, now).withOutcomeOf(command, now);
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

  private ConversationUpdate onTurn(ConversationState state, ConversationInput.Turn input, Instant now) {
    UserTurn turn = input.turn();
    if (state != null && !state.getUserId().equals(turn.getUserId())) {
      // Only who started a conversation writes in it (ingress checks too; this holds when two
      // users start the same conversation id at once): the turn is refused, never answered with
      // someone else's history.
      return ConversationUpdate.refused(ConversationError.newBuilder()
          .setEventId(Keys.derivedId("error", turn.getEventId()))
          .setTenantId(turn.getTenantId())
          .setConversationId(turn.getConversationId())
          .setCommandId(turn.getEventId())
          .setCode("NOT_CONVERSATION_OWNER")
          .setMessage("this conversation belongs to someone else; start a new one")
          .setMessageIds(turn.getMessageIds())
          .setCreatedAt(now)
          .build());
    }
    if (turn.getCustomerId() == null && state != null && state.getCustomerId() != null) {
      // The conversation already named its customer: this turn is theirs too.
      turn = UserTurn.newBuilder(turn).setCustomerId(state.getCustomerId()).build();
    }
    if (state == null) {
      state = ConversationState.newBuilder()
          .setTenantId(turn.getTenantId())
          .setConversationId(turn.getConversationId())
          .setUserId(turn.getUserId())
          .setStatus(ConversationStatus.ACTIVE)
          .setStage(SalesStage.GREETING)
          .setRecentMessages(List.of())
          .setTurnCount(0)
          .setReplyCount(0)
          .setCreatedAt(now)
          .setUpdatedAt(now)
          .build();
    }
    List<ConversationMessage> before = state.getRecentMessages();
    Catalog catalog = catalog(turn.getTenantId());
    TurnAnalyzer.Reading reading = analyzer.read(turn.getText(), catalog);
    Intent intent = reading.intent();
    TurnAnalysis analysis = reading.analysis();

    // What the conversation knows after this turn; the director decides from it.
    List<String> intentsSeen = state.getIntentsSeen().contains(intent.getName()) ? state.getIntentsSeen()
        : appendBounded(state.getIntentsSeen(), intent.getName(), 50);
    Map<String, String> entitiesSeen = entitiesSeen(state.getEntitiesSeen(), analysis);
    List<String> productsShown = productsShown(state.getProductsShown(), analysis);
    int frustration = frustration(state.getFrustration(), analysis);
    ConversationDirector.Direction direction = director.direct(new ConversationDirector.Situation(intent.getName(),
        Set.copyOf(intentsSeen), entitiesSeen, productsShown, frustration, analysis.getEntities(), catalog.stock(),
        turn.getText(), state.getCoachingShown()));

    EnrichedTurn enriched = EnrichedTurn.newBuilder()
        .setEventId(turn.getEventId())
        .setTenantId(turn.getTenantId())
        .setConversationId(turn.getConversationId())
        .setTurn(turn)
        .setHistory(List.copyOf(before.subList(Math.max(0, before.size() - historyMessages), before.size())))
        .setIntent(intent)
        .setAnalysis(analysis)
        .setSuggestedActions(Suggestions.forIntent(intent.getName()).actions())
        .setFollowUpQuestions(Suggestions.forIntent(intent.getName()).questions())
        .setBuyingStage(direction.buyingStage())
        .setSalesStage(state.getStage().name().toLowerCase(java.util.Locale.ROOT))
        .setLanguage(!LanguageDetector.UNDETERMINED.equals(analysis.getLanguage()) ? analysis.getLanguage()
            : state.getLanguage() != null ? state.getLanguage() : LanguageDetector.UNDETERMINED)
        .setCoaching(direction.coaching())
        .setCustomer(input.customer())
        .setDeal(input.deal())
        .setInsight(input.insight())
        .setCreatedAt(now)
        .build();
    ValueAndTimestamp<CustomerProfile> profile = profiles.get(ConversationTopology.profileKey(enriched));
    enriched.setProfile(profile == null ? null : profile.value());
    List<String> coachingShown = new ArrayList<>(state.getCoachingShown());
    direction.coaching().forEach(coaching -> coachingShown.add(coaching.getRuleId()));
    ConversationState next = ConversationState.newBuilder(state)
        .setCustomerId(turn.getCustomerId() != null ? turn.getCustomerId() : state.getCustomerId())
        .setDealId(turn.getDealId() != null ? turn.getDealId() : state.getDealId())
        .setPhone(input.phone() != null ? input.phone() : state.getPhone() != null ? state.getPhone() : whatsAppPhone(turn))
        .setRecentMessages(append(before, new ConversationMessage(turn.getEventId(), Role.USER, turn.getText(), turn.getFirstReceivedAt())))
        .setTurnCount(state.getTurnCount() + 1)
        .setLastCustomerMessageAt(turn.getFirstReceivedAt())
        .setLastIntent(intent)
        .setLanguage(LanguageDetector.UNDETERMINED.equals(analysis.getLanguage()) ? state.getLanguage() : analysis.getLanguage())
        .setIntentsSeen(intentsSeen)
        .setSentimentHistory(appendBounded(state.getSentimentHistory(), analysis.getSentiment(), 10))
        .setFrustration(frustration)
        .setObjectionCount(state.getObjectionCount() + ("objection".equals(intent.getName()) ? 1 : 0))
        .setEntitiesSeen(entitiesSeen)
        .setProductsShown(productsShown)
        .setCoachingShown(List.copyOf(coachingShown))
        .setBuyingStage(direction.buyingStage())
        .setUpdatedAt(now)
        .build();
    enriched.setSummary(ConversationSummary.of(next, input.customer()));
    next.setChannel(turn.getChannel());
    if (next.getStatus() == ConversationStatus.ESCALATED) {
      // A person has the conversation: record what the customer said, and tell the person (and the
      // customer waiting for an answer) at once; the bot stays silent.
      return ConversationUpdate.changed(next).withEvents(List.of(ConversationEvents.messageForAgent(next, turn, now)));
    }
    return new ConversationUpdate(next, enriched, null);
  }

  /**
   * The conversation's frustration: the turn's own, raised by one for each negative turn in a row
   * (annoyance builds up), and halved by a turn that is not negative (it calms down).
   */
  static int frustration(int previous, TurnAnalysis turn) {
    int carried = turn.getSentiment() < 0 ? Math.min(10, previous + 1) : previous / 2;
    return Math.max(turn.getFrustration(), carried);
  }

  /** A WhatsApp chat id is the customer's number without the plus. */
  private static String whatsAppPhone(UserTurn turn) {
    return turn.getChannel().getType() == dev.parley.events.ChannelType.WHATSAPP && turn.getChannel().getExternalChatId() != null
        ? "+" + turn.getChannel().getExternalChatId() : null;
  }

  private static List<String> productsShown(List<String> shown, TurnAnalysis turn) {
    List<String> next = new ArrayList<>(shown);
    turn.getEntities().stream().filter(e -> e.getType().equals("product")).map(e -> e.getValue())
        .filter(product -> !next.contains(product)).forEach(next::add);
    return List.copyOf(next.subList(Math.max(0, next.size() - 30), next.size()));
  }

  private static Map<String, String> entitiesSeen(Map<String, String> seen, TurnAnalysis turn) {
    Map<String, String> next = new java.util.TreeMap<>(seen);
    turn.getEntities().forEach(entity -> next.put(entity.getType(), entity.getValue()));
    return next;
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int max) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return List.copyOf(next.subList(Math.max(0, next.size() - max), next.size()));
  }

  private ConversationUpdate onReply(ConversationState state, AssistantReply reply, Instant now) {
    if (state == null) {
      return null; // a reply to a conversation this store never saw: nothing to fold it into
    }
    boolean known = state.getRecentMessages().stream().anyMatch(m -> m.getEventId().equals(reply.getEventId()));
    if (known) {
      return null;
    }
    ConversationState next = ConversationState.newBuilder(state)
        .setRecentMessages(append(state.getRecentMessages(),
            new ConversationMessage(reply.getEventId(), Role.ASSISTANT, reply.getText(), reply.getCreatedAt())))
        .setReplyCount(state.getReplyCount() + 1)
        .setUpdatedAt(now)
        .build();
    return ConversationUpdate.changed(next);
  }

  /** Applies a command if the conversation and the state machine allow it; otherwise an error event says why. */
  private ConversationUpdate onCommand(ConversationState state, ConversationCommand command, Instant now) {
    if (state == null) {
      return refuse(command, "UNKNOWN_CONVERSATION", "no such conversation", now);
    }
    if (state.getAppliedCommands().contains(command.getEventId())) {
      // Sent again (a retried tool call, a redelivered command): applied already, so nothing
      // changes; the sender still gets its verdict.
      return new ConversationUpdate(null, null, null, null);
    }
    ConversationUpdate applied = apply(state, command, now);
    if (applied.state() != null) {
      applied.state().setAppliedCommands(appendBounded(state.getAppliedCommands(), command.getEventId(), 50));
    }
    return applied;
  }

  private ConversationUpdate apply(ConversationState state, ConversationCommand command, Instant now) {
    ConversationState.Builder next = ConversationState.newBuilder(state).setUpdatedAt(now);
    Object change = command.getChange();
    if (change instanceof ChangeStage stage) {
      if (!SalesStages.allows(state.getStage(), stage.getStage())) {
        List<String> allowed = SalesStages.next(state.getStage()).stream().map(to -> to.name().toLowerCase(java.util.Locale.ROOT))
            .sorted().toList();
        ConversationUpdate refused = refuse(command, "INVALID_STAGE_TRANSITION", "cannot move from "
            + state.getStage().name().toLowerCase(java.util.Locale.ROOT) + " to " + stage.getStage().name().toLowerCase(java.util.Locale.ROOT)
            + (allowed.isEmpty() ? "; it is the last stage" : "; allowed: " + String.join(", ", allowed)), now);
        refused.error().setAllowed(allowed);
        return refused;
      }
      next.setStage(stage.getStage());
    } else if (change instanceof ChangeStatus status) {
      if (state.getStatus() == ConversationStatus.CLOSED && status.getStatus() != ConversationStatus.CLOSED) {
        return refuse(command, "CONVERSATION_CLOSED", "a closed conversation cannot be reopened; start a new one", now);
      }
      next.setStatus(status.getStatus());
    } else if (change instanceof SetCustomerName name) {
      next.setCustomerName(name.getName());
    } else if (change instanceof Escalate escalate) {
      if (state.getStatus() == ConversationStatus.CLOSED) {
        return refuse(command, "CONVERSATION_CLOSED", "a closed conversation cannot be escalated", now);
      }
      next.setStatus(ConversationStatus.ESCALATED).setEscalation(EscalationInfo.newBuilder()
          .setTicketId(escalate.getTicketId())
          .setReason(escalate.getReason())
          .setPriority(escalate.getPriority())
          .setCategory(escalate.getCategory())
          .setDepartment(escalate.getDepartment())
          .setRequestedBy(command.getRequestedBy())
          .setAt(now)
          .build());
    } else if (change instanceof AgentMessage message) {
      if (state.getStatus() != ConversationStatus.ESCALATED) {
        return refuse(command, "NOT_ESCALATED", "agents write only in conversations handed to a person; escalate first", now);
      }
      if (message.getTemplate() == null && whatsAppWindowClosed(state, now)) {
        return refuse(command, "WHATSAPP_WINDOW_CLOSED", "WhatsApp allows free-form messages only within 24 hours of the"
            + " customer's last message; send an approved template", now);
      }
      AssistantReply reply = agentReply(state, command, message, now);
      next.setRecentMessages(append(state.getRecentMessages(),
          new ConversationMessage(reply.getEventId(), Role.AGENT, message.getText(), now)));
      return new ConversationUpdate(next.build(), null, null, reply);
    } else if (change instanceof RecordFeedback feedback) {
      next.setFeedback(appendBounded(state.getFeedback(), FeedbackInfo.newBuilder()
          .setRating(feedback.getRating())
          .setPositive(feedback.getPositive())
          .setComment(feedback.getComment())
          .setCategories(feedback.getCategories())
          .setAt(now)
          .build(), 20));
    }
    return ConversationUpdate.changed(next.build());
  }

  /**
   * WhatsApp Business lets a business write free text only within 24 hours of the customer's last
   * message; after that only approved templates. The turn's first message time is used, so the
   * window is never taken to be longer than it is.
   */
  static boolean whatsAppWindowClosed(ConversationState state, Instant now) {
    if (state.getChannel() == null || state.getChannel().getType() != dev.parley.events.ChannelType.WHATSAPP) {
      return false;
    }
    Instant last = state.getLastCustomerMessageAt();
    if (last == null) { // state written before the field existed: the newest customer message kept
      last = state.getRecentMessages().stream().filter(m -> m.getRole() == Role.USER)
          .map(ConversationMessage::getAt).max(Instant::compareTo).orElse(null);
    }
    return last == null || last.plus(WHATSAPP_WINDOW).isBefore(now);
  }

  /**
   * An agent's message travels like any reply, so the customer gets it on the conversation's own
   * channel (the gateway for web chats, the provider for WhatsApp) and every reply consumer sees it.
   */
  private static AssistantReply agentReply(ConversationState state, ConversationCommand command, AgentMessage message, Instant now) {
    return AssistantReply.newBuilder()
        .setEventId(Keys.agentReplyId(command.getEventId()))
        .setTenantId(state.getTenantId())
        .setConversationId(state.getConversationId())
        .setTurnId(command.getEventId())
        .setMessageIds(List.of())
        .setChannel(state.getChannel() != null ? state.getChannel() : ChannelInfo.newBuilder().build())
        .setText(message.getText())
        .setIntent(state.getLastIntent() != null ? state.getLastIntent() : new Intent("other", 1.0))
        .setModel(new ModelInfo(message.getAgentId(), "human", false))
        .setAuthor(dev.parley.events.ReplyAuthor.AGENT)
        .setTemplate(message.getTemplate())
        .setMediaUrl(message.getMediaUrl())
        .setUsage(new TokenUsage(0, 0, false, 0.0))
        .setProcessingTimeMs(0)
        .setCreatedAt(now)
        .build();
  }

  private static ConversationUpdate refuse(ConversationCommand command, String code, String message, Instant now) {
    return ConversationUpdate.refused(ConversationError.newBuilder()
        .setEventId(Keys.derivedId("error", command.getEventId()))
        .setTenantId(command.getTenantId())
        .setConversationId(command.getConversationId())
        .setCommandId(command.getEventId())
        .setCode(code)
        .setMessage(message)
        .setCreatedAt(now)
        .build());
  }

  /**
   * A message as the state keeps it: at most {@value #KEPT_CHARACTERS} characters (the rest marked
   * cut), so the state of a conversation of long bursts stays far below the record limit.
   */
  static final int KEPT_CHARACTERS = 4_000;

  private List<ConversationMessage> append(List<ConversationMessage> messages, ConversationMessage message) {
    if (message.getText().length() > KEPT_CHARACTERS) {
      int end = Character.isHighSurrogate(message.getText().charAt(KEPT_CHARACTERS - 1)) ? KEPT_CHARACTERS - 1 : KEPT_CHARACTERS;
      message = ConversationMessage.newBuilder(message).setText(message.getText().substring(0, end) + " […]").build();
    }
    List<ConversationMessage> next = new ArrayList<>(messages);
    next.add(message);
    return List.copyOf(next.subList(Math.max(0, next.size() - keptMessages), next.size()));
  }
}
