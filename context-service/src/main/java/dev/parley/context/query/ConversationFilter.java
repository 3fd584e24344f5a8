package dev.parley.context.query;

import dev.parley.context.conversation.ConversationIndex;
import dev.parley.events.ConversationState;
import java.time.Instant;
import java.util.Locale;

/**
 * Filters of the conversation list. Null means "any".
 *
 * @param status       ACTIVE, ESCALATED or CLOSED
 * @param customer     part of the customer's name, CRM id or phone number, any case or formatting
 * @param language     ISO 639-1 code of the conversation's language
 * @param temperature  lead temperature of the conversation's customer: HOT, WARM or COLD
 * @param updatedSince only conversations changed at or after this instant
 * @param owner        only conversations this user started (a customer's own)
 */
record ConversationFilter(String status, String customer, String language, String temperature, Instant updatedSince,
    String owner) {

  ConversationFilter {
    status = status == null || status.isBlank() ? null : status;
    customer = customer == null || customer.isBlank() ? null : customer;
    language = language == null || language.isBlank() ? null : language;
    temperature = temperature == null || temperature.isBlank() ? null : temperature;
    owner = owner == null || owner.isBlank() ? null : owner;
  }

  /**
   * The index range a list walks: the owner's conversations (a customer's own are few), else those
   * of the status, else all of the tenant's; each newest first.
   */
  String range(String tenantId) {
    return owner != null ? ConversationIndex.byOwner(tenantId, owner)
        : status != null ? ConversationIndex.byStatus(tenantId, status.toUpperCase(Locale.ROOT))
        : ConversationIndex.recent(tenantId);
  }

  /** Whether the range alone decides what matches (besides updatedSince): then matches are counted without reading them. */
  boolean decidedByRange() {
    return customer == null && language == null && temperature == null && (owner == null || status == null);
  }

  /** The temperature filter needs the customer's profile, looked up by the caller. */
  boolean matchesTemperature(String leadTemperature) {
    return temperature == null || temperature.equalsIgnoreCase(leadTemperature);
  }

  boolean matches(ConversationState state) {
    return (owner == null || owner.equals(state.getUserId()))
        && (status == null || state.getStatus().name().equalsIgnoreCase(status))
        && (language == null || language.equalsIgnoreCase(state.getLanguage()))
        && (updatedSince == null || !state.getUpdatedAt().isBefore(updatedSince))
        && (customer == null || contains(state.getCustomerName(), customer) || contains(state.getCustomerId(), customer)
            || phoneContains(state.getPhone(), customer));
  }

  /** "555 0142" finds "+15550100142": digits only, so any formatting of the number matches. */
  private static boolean phoneContains(String phone, String part) {
    String digits = part.replaceAll("\\D", "");
    return phone != null && digits.length() >= 3 && phone.replaceAll("\\D", "").contains(digits);
  }

  private static boolean contains(String value, String part) {
    return value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
  }
}
