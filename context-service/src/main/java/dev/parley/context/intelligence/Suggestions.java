package dev.parley.context.intelligence;

import java.util.List;
import java.util.Map;

/** Suggested next actions and follow-up questions per intent, kept as data. */
public final class Suggestions {

  /** What to suggest for one intent. */
  public record ForIntent(List<String> actions, List<String> questions) {
  }

  private static final ForIntent NONE = new ForIntent(List.of("browse_inventory"),
      List.of("What kind of vehicle are you looking for?"));

  private static final Map<String, ForIntent> BY_INTENT = Map.of(
      "pricing_tax", new ForIntent(List.of("calculate_out_the_door_price", "apply_trade_in"),
          List.of("Would you like an out-the-door price including tax and fees?", "Do you have a vehicle to trade in?")),
      "financing", new ForIntent(List.of("estimate_monthly_payment", "start_credit_application"),
          List.of("How much would you like to put down?", "What term are you considering: 48, 60 or 72 months?")),
      "product_search", new ForIntent(List.of("show_matching_inventory", "schedule_test_drive"),
          List.of("What is your budget?", "Would you like to schedule a test drive?")),
      "objection", new ForIntent(List.of("offer_alternatives", "offer_sales_manager_call"),
          List.of("Would a lower monthly payment over a longer term help?", "Shall I show you similar vehicles at a lower price?")),
      "escalation_request", new ForIntent(List.of("connect_sales_person"),
          List.of("What is the best time for a sales person to call you?")),
      "greeting", new ForIntent(List.of("browse_inventory"),
          List.of("Are you looking for a new or a used vehicle?", "Can I help you with financing questions?")));

  private Suggestions() {
  }

  public static ForIntent forIntent(String intent) {
    return BY_INTENT.getOrDefault(intent, NONE);
  }
}
