package dev.parley.schemas;

import java.util.Locale;
import java.util.Map;

/**
 * Where an escalation goes: the department for its category. Shared by everything that asks for
 * a human (the escalation endpoint, the model's escalation tool), so a category always routes the
 * same way.
 */
public final class Escalations {

  /** Department per category; anything else goes to sales. */
  public static final Map<String, String> DEPARTMENTS = Map.of(
      "billing", "finance",
      "payment", "finance",
      "financing", "finance",
      "technical", "technical-support",
      "complaint", "customer-care",
      "service", "service-department",
      "sales", "sales",
      "pricing", "sales");

  private Escalations() {
  }

  public static String category(String category) {
    return category == null || category.isBlank() ? "sales" : category.toLowerCase(Locale.ROOT).strip();
  }

  public static String departmentFor(String category) {
    return DEPARTMENTS.getOrDefault(category(category), "sales");
  }
}
