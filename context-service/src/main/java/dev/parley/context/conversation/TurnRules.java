package dev.parley.context.conversation;

import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.Catalog;
import dev.parley.context.intelligence.LanguageDetector;
import dev.parley.context.intelligence.Suggestions;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.events.TurnAnalysis;
import java.util.Map;
import java.util.Set;
import dev.parley.events.ConversationError;
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


/**
 * A customer's turn folded into its conversation: refused when someone else started the
 * conversation; otherwise the intent, sentiment and entities read, the director's direction, the
 * enriched turn with the history before it, and the state after it. While a person has the
 * conversation the turn is recorded and the person told, and nothing goes to the model.
 */
final class TurnRules {

  /** What a turn is read against: the tenant's catalog and the customer's profile. */
  interface Lookups {
    Catalog catalog(String tenantId);

    /** The profile under that key, or null. */
    CustomerProfile profile(String profileKey);
  }

  private final TurnAnalyzer analyzer;
  private final ConversationDirector director;
  private final RecentMessages recent;
  private final int historyMessages;

  TurnRules(TurnAnalyzer analyzer, ConversationDirector director, RecentMessages recent, int historyMessages) {
    this.analyzer = analyzer;
    this.director = director;
    this.recent = recent;
    this.historyMessages = historyMessages;
  }

  ConversationUpdate onTurn(ConversationState state, ConversationInput.Turn input, Instant now, Lookups lookups) {
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
    Catalog catalog = lookups.catalog(turn.getTenantId());
    TurnAnalyzer.Reading reading = analyzer.read(turn.getText(), catalog);
    Intent intent = reading.intent();
    TurnAnalysis analysis = reading.analysis();

    // What the conversation knows after this turn; the director decides from it.
    List<String> intentsSeen = state.getIntentsSeen().contains(intent.getName()) ? state.getIntentsSeen()
        : RecentMessages.appendBounded(state.getIntentsSeen(), intent.getName(), 50);
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
    enriched.setProfile(lookups.profile(ConversationTopology.profileKey(enriched)));
    List<String> coachingShown = new ArrayList<>(state.getCoachingShown());
    direction.coaching().forEach(coaching -> coachingShown.add(coaching.getRuleId()));
    ConversationState next = ConversationState.newBuilder(state)
        .setCustomerId(turn.getCustomerId() != null ? turn.getCustomerId() : state.getCustomerId())
        .setDealId(turn.getDealId() != null ? turn.getDealId() : state.getDealId())
        .setPhone(input.phone() != null ? input.phone() : state.getPhone() != null ? state.getPhone() : whatsAppPhone(turn))
        .setRecentMessages(recent.append(before, new ConversationMessage(turn.getEventId(), Role.USER, turn.getText(), turn.getFirstReceivedAt())))
        .setTurnCount(state.getTurnCount() + 1)
        .setLastCustomerMessageAt(turn.getFirstReceivedAt())
        .setLastIntent(intent)
        .setLanguage(LanguageDetector.UNDETERMINED.equals(analysis.getLanguage()) ? state.getLanguage() : analysis.getLanguage())
        .setIntentsSeen(intentsSeen)
        .setSentimentHistory(RecentMessages.appendBounded(state.getSentimentHistory(), analysis.getSentiment(), 10))
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

}
