package dev.parley.context.profile;

import dev.parley.events.CustomerProfile;
import dev.parley.events.EnrichedTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds every enriched turn of a customer, from any conversation, into their profile:
 * preferences (budget, configuration, location, must-haves...), products viewed, objections, sentiment, engagement, intent to buy and lead
 * temperature ({@link LeadScoring}). Runs on turns re-keyed by customer, so it is the single
 * writer of each profile.
 */
public final class ProfileProcessor implements Processor<String, EnrichedTurn, String, CustomerProfile> {

  public static final String STORE = "customer-profiles";

  /** Entity kinds that are preferences: the latest value stated wins. */
  static final Set<String> PREFERENCES = Set.of("budget_max", "monthly_budget", "down_payment", "trade_in", "configuration",
      "location", "us_state", "term_months", "money");

  private ProcessorContext<String, CustomerProfile> context;
  private KeyValueStore<String, CustomerProfile> profiles;

  @Override
  public void init(ProcessorContext<String, CustomerProfile> context) {
    this.context = context;
    this.profiles = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, EnrichedTurn> record) {
    EnrichedTurn turn = record.value();
    CustomerProfile previous = profiles.get(record.key());
    CustomerProfile next = fold(previous, record.key(), turn);
    profiles.put(record.key(), next);
    context.forward(record.withValue(next));
  }

  static CustomerProfile fold(CustomerProfile previous, String key, EnrichedTurn turn) {
    var userTurn = turn.getTurn();
    CustomerProfile profile = previous != null ? previous : CustomerProfile.newBuilder()
        .setTenantId(userTurn.getTenantId())
        .setCustomerKey(key.substring(key.indexOf(':') + 1))
        .setFirstSeenAt(userTurn.getFirstReceivedAt())
        .setLastSeenAt(userTurn.getFirstReceivedAt())
        .build();
    List<String> conversations = profile.getConversationIds().contains(userTurn.getConversationId())
        ? profile.getConversationIds() : appendBounded(profile.getConversationIds(), userTurn.getConversationId(), 50);
    Map<String, String> preferences = new TreeMap<>(profile.getPreferences());
    List<String> products = new ArrayList<>(profile.getProductsViewed());
    if (turn.getAnalysis() != null) {
      turn.getAnalysis().getEntities().forEach(entity -> {
        if (entity.getType().equals("must_have")) {
          // Must-haves accumulate: "leather" and later "third row" are both wanted.
          String had = preferences.get("must_haves");
          if (had == null || !List.of(had.split(", ")).contains(entity.getValue())) {
            preferences.put("must_haves", had == null ? entity.getValue() : had + ", " + entity.getValue());
          }
        } else if (PREFERENCES.contains(entity.getType())) {
          preferences.put(entity.getType().equals("money") ? "price_mentioned" : entity.getType(), entity.getValue());
        } else if (entity.getType().equals("product")) {
          products.remove(entity.getValue());
          products.add(entity.getValue());
        }
      });
    }
    int turns = profile.getTurnCount() + 1;
    int sessions = conversations.size();
    int intentToBuy = LeadScoring.intentToBuy(profile.getIntentToBuyScore(), turn);
    int engagement = LeadScoring.engagement(turns, sessions);
    return CustomerProfile.newBuilder(profile)
        .setConversationIds(conversations)
        .setSessionCount(sessions)
        .setTurnCount(turns)
        .setPreferences(preferences)
        .setProductsViewed(List.copyOf(products.subList(Math.max(0, products.size() - 20), products.size())))
        .setObjections(profile.getObjections() + ("objection".equals(turn.getIntent().getName()) ? 1 : 0))
        .setSentimentHistory(turn.getAnalysis() == null ? profile.getSentimentHistory()
            : appendBounded(profile.getSentimentHistory(), turn.getAnalysis().getSentiment(), 20))
        .setEngagementScore(engagement)
        .setIntentToBuyScore(intentToBuy)
        .setLeadTemperature(LeadScoring.temperature(intentToBuy, engagement))
        .setLastSeenAt(userTurn.getFirstReceivedAt())
        .build();
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int max) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return List.copyOf(next.subList(Math.max(0, next.size() - max), next.size()));
  }
}
