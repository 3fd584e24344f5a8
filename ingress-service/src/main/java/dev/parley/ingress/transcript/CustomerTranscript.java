package dev.parley.ingress.transcript;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a customer sees of their own transcript: what they wrote, what they were answered (by the
 * assistant or a person), and the conversation starting, going to a person and back, closing and
 * their own rating. Not the sales team's reading of it (turns, enrichment, intents, stages), tools,
 * models and costs, commands, or where records sit on the topics.
 */
final class CustomerTranscript {

  /** The fields a customer sees, per kind of event; a kind not named here is not shown. */
  private static final Map<String, List<String>> FIELDS = Map.of(
      "message", List.of("messageId", "text", "receivedAt"),
      "reply", List.of("eventId", "text", "author", "suggestedActions", "followUpQuestions", "mediaUrl", "createdAt"),
      "conversation-event", List.of("type", "createdAt"));

  /** Of the conversation's events, the ones that concern the customer (not stage moves, not notes for staff). */
  private static final Set<String> EVENT_TYPES = Set.of("STARTED", "ESCALATED", "HANDED_BACK", "CLOSED", "FEEDBACK_RECEIVED");

  static ObjectNode of(JsonNode transcript) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode shown = json.objectNode();
    shown.set("conversationId", transcript.get("conversationId"));
    ArrayNode events = shown.putArray("events");
    for (JsonNode entry : transcript.path("events")) {
      String kind = entry.path("kind").asString();
      JsonNode event = entry.path("event");
      List<String> fields = FIELDS.get(kind);
      if (fields == null || kind.equals("conversation-event") && !EVENT_TYPES.contains(event.path("type").asString())) {
        continue;
      }
      ObjectNode kept = json.objectNode();
      fields.forEach(field -> {
        if (event.has(field)) {
          kept.set(field, event.get(field));
        }
      });
      if (kind.equals("message")) {
        kept.set("channel", event.path("channel").path("type"));
      }
      if (event.path("escalation").has("ticketId")) {
        kept.set("ticketId", event.path("escalation").get("ticketId"));
      }
      if (event.hasNonNull("feedback")) {
        kept.set("feedback", event.get("feedback"));
      }
      ObjectNode line = events.addObject();
      line.set("at", entry.get("at"));
      line.put("kind", kind);
      line.set("event", kept);
    }
    return shown;
  }

  private CustomerTranscript() {
  }
}
