package dev.parley.context.director;

import dev.parley.events.Coaching;
import dev.parley.events.Entity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides, for each turn, where the customer is in buying (awareness, consideration, decision) and
 * which coaching prompts to raise. Rules are data ({@link CoachingRule}); each fires at most once
 * per conversation.
 */
public final class ConversationDirector {

  /** What the director needs to know about the conversation after the turn. */
  public record Situation(String intent, Set<String> intentsSeen, Map<String, String> entitiesSeen,
      Collection<String> productsShown, int frustration, List<Entity> turnEntities, Map<String, Integer> stock,
      String text, Collection<String> alreadyShown) {
  }

  /** The director's answer. */
  public record Direction(String buyingStage, List<Coaching> coaching) {
  }

  private static final Set<String> DECISION_SIGNALS = Set.of("down_payment", "credit_score", "monthly_budget", "term_months");

  private final List<CoachingRule> rules;

  public ConversationDirector(List<CoachingRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rules shipped in {@code director/coaching-rules.json}. */
  public static List<CoachingRule> standardRules() {
    try (InputStream in = ConversationDirector.class.getResourceAsStream("/director/coaching-rules.json")) {
      return JsonMapper.builder().build().readValue(in, new TypeReference<List<CoachingRule>>() { });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the coaching rules", e);
    }
  }

  public Direction direct(Situation situation) {
    String stage = buyingStage(situation);
    List<Coaching> coaching = new ArrayList<>();
    for (CoachingRule rule : rules) {
      if (!situation.alreadyShown().contains(rule.id())) {
        String prompt = prompt(rule, situation, stage);
        if (prompt != null) {
          coaching.add(new Coaching(rule.id(), prompt));
        }
      }
    }
    return new Direction(stage, coaching);
  }

  /**
   * Decision: money questions with concrete numbers (down payment, credit, budget, term) or a test
   * drive request. Consideration: products looked at, compared or objected to. Otherwise awareness.
   */
  static String buyingStage(Situation s) {
    boolean moneyTalk = s.intentsSeen().contains("financing") || s.intentsSeen().contains("pricing_tax");
    boolean concrete = s.entitiesSeen().keySet().stream().anyMatch(DECISION_SIGNALS::contains);
    if ((moneyTalk && concrete) || s.text().toLowerCase().contains("test drive")) {
      return "decision";
    }
    if (!s.productsShown().isEmpty() || s.intentsSeen().contains("product_search") || s.intentsSeen().contains("objection")) {
      return "consideration";
    }
    return "awareness";
  }

  private static String prompt(CoachingRule rule, Situation s, String stage) {
    return switch (rule.when()) {
      case "product_views_at_least" -> s.productsShown().size() >= Integer.parseInt(rule.value()) ? rule.prompt() : null;
      case "frustration_at_least" -> s.frustration() >= Integer.parseInt(rule.value()) ? rule.prompt() : null;
      case "intent" -> rule.value().equals(s.intent()) ? rule.prompt() : null;
      case "buying_stage" -> rule.value().equals(stage) ? rule.prompt() : null;
      case "low_stock_at_most" -> s.turnEntities().stream()
          .filter(e -> e.getType().equals("product"))
          .filter(e -> {
            Integer left = s.stock().get(e.getValue());
            return left != null && left > 0 && left <= Integer.parseInt(rule.value());
          })
          .findFirst()
          .map(e -> rule.prompt().replace("{product}", e.getValue()).replace("{stock}", s.stock().get(e.getValue()).toString()))
          .orElse(null);
      default -> throw new IllegalArgumentException("unknown coaching condition '" + rule.when() + "' in rule " + rule.id());
    };
  }
}
