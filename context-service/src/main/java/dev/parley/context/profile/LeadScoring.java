package dev.parley.context.profile;

import dev.parley.events.EnrichedTurn;
import java.util.Locale;
import java.util.Map;

/**
 * How close a customer is to buying, and how engaged they are, kept as data so sales teams can
 * read and tune it. Intent-to-buy decays by a fifth each turn and gains the turn's buying signals,
 * so a customer who cools off drifts back towards COLD.
 */
final class LeadScoring {

  /** Points a turn earns by its intent. */
  static final Map<String, Integer> INTENT_POINTS = Map.of(
      "financing", 20, "pricing_tax", 15, "product_search", 10, "objection", 5);

  /** Points a turn earns per entity kind it mentions. */
  static final Map<String, Integer> ENTITY_POINTS = Map.of(
      "down_payment", 15, "trade_in", 10, "credit_score", 10, "monthly_budget", 10, "term_months", 10, "budget_max", 5, "product", 5,
      "configuration", 5);

  /** Phrases that say the customer wants to move forward. */
  static final Map<String, Integer> PHRASE_POINTS = Map.of(
      "test drive", 20, "site visit", 20, "book", 10, "reserve", 15, "ready to buy", 30, "sign", 10, "deposit", 15);

  static final int HOT = 60;
  static final int WARM = 25;

  private LeadScoring() {
  }

  static int intentToBuy(int previous, EnrichedTurn turn) {
    int points = INTENT_POINTS.getOrDefault(turn.getIntent().getName(), 0);
    if (turn.getAnalysis() != null) {
      points += turn.getAnalysis().getEntities().stream()
          .map(entity -> entity.getType()).distinct()
          .mapToInt(type -> ENTITY_POINTS.getOrDefault(type, 0)).sum();
    }
    String text = turn.getTurn().getText().toLowerCase(Locale.ROOT);
    points += PHRASE_POINTS.entrySet().stream().filter(e -> text.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    return Math.min(100, (int) Math.round(previous * 0.8) + points);
  }

  static int engagement(int turns, int sessions) {
    return Math.min(100, Math.min(60, turns * 6) + Math.min(40, sessions * 15));
  }

  static String temperature(int intentToBuy, int engagement) {
    if (intentToBuy >= HOT || (intentToBuy >= 45 && engagement >= 50)) {
      return "HOT";
    }
    return intentToBuy >= WARM || engagement >= 40 ? "WARM" : "COLD";
  }
}
