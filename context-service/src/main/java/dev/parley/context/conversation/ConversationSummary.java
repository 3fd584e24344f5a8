package dev.parley.context.conversation;

import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.CustomerContext;
import dev.parley.events.SalesStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A short, rule-based summary of a whole conversation, for the model: who the customer is, what
 * they looked at, the numbers they gave and what was decided. It stands in for the turns that no
 * longer fit in the history.
 */
final class ConversationSummary {

  /** Entity kinds worth repeating, with how to say them. */
  private static final Map<String, String> FACTS = Map.ofEntries(
      Map.entry("budget_max", "budget up to %s"),
      Map.entry("monthly_budget", "about %s a month"),
      Map.entry("down_payment", "%s down"),
      Map.entry("trade_in", "trade-in worth %s"),
      Map.entry("term_months", "%s-month term"),
      Map.entry("credit_score", "credit score %s"),
      Map.entry("us_state", "lives in %s"),
      Map.entry("configuration", "wants %s"),
      Map.entry("location", "prefers %s"));

  private ConversationSummary() {
  }

  static String of(ConversationState state, CustomerContext customer) {
    List<String> parts = new ArrayList<>();
    String name = state.getCustomerName() != null ? state.getCustomerName() : customer != null ? customer.getName() : null;
    if (name != null) {
      parts.add("Customer: " + name + ".");
    }
    if (!state.getProductsShown().isEmpty()) {
      parts.add("Products discussed: " + String.join(", ", state.getProductsShown()) + ".");
    }
    List<String> facts = new ArrayList<>();
    FACTS.keySet().stream().sorted().forEach(kind -> {
      String value = state.getEntitiesSeen().get(kind);
      if (value != null) {
        facts.add(FACTS.get(kind).formatted(value));
      }
    });
    if (!facts.isEmpty()) {
      parts.add("Stated: " + String.join(", ", facts) + ".");
    }
    List<String> decisions = new ArrayList<>();
    if (state.getStage() != SalesStage.GREETING) {
      decisions.add("sales stage " + state.getStage().name().toLowerCase().replace('_', ' '));
    }
    if (state.getObjectionCount() > 0) {
      decisions.add(state.getObjectionCount() + " objection(s) raised");
    }
    if (state.getStatus() == ConversationStatus.ESCALATED && state.getEscalation() != null) {
      decisions.add("escalated to " + state.getEscalation().getDepartment());
    }
    if (!decisions.isEmpty()) {
      parts.add("So far: " + String.join("; ", decisions) + ".");
    }
    return String.join(" ", parts);
  }
}
