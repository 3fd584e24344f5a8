package dev.parley.ingress.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TranscriptViewsTest {

  private static final JsonNode TRANSCRIPT = JsonMapper.builder().build().readTree("""
      {"conversationId": "c-1", "missing": 0, "events": [
        {"at": "2026-12-03T10:00:00Z", "kind": "message", "topic": "parley.inbound-messages", "partition": 2, "offset": 7,
         "event": {"messageId": "m-1", "userId": "u-1", "text": "<script>alert(1)</script> price?", "receivedAt": "2026-12-03T10:00:00Z",
                   "channel": {"type": "WEB", "metadata": {"ip": "10.0.0.1"}}, "customerId": "c-1001"}},
        {"at": "2026-12-03T10:00:01Z", "kind": "enrichment", "topic": "parley.enriched-turns", "partition": 2, "offset": 3,
         "event": {"salesStage": "NEGOTIATION", "intent": {"name": "pricing", "confidence": 0.9}}},
        {"at": "2026-12-03T10:00:02Z", "kind": "tool-call", "topic": "parley.tool-calls", "partition": 2, "offset": 1,
         "event": {"tool": "calculateTax", "arguments": "{}", "status": "OK", "latencyMs": 12, "output": "{\\"tax\\": 10}"}},
        {"at": "2026-12-03T10:00:03Z", "kind": "reply", "topic": "parley.replies", "partition": 2, "offset": 9,
         "event": {"eventId": "r-1", "text": "It is $10.", "author": "ASSISTANT", "model": {"name": "gpt"}, "usage": {"inputTokens": 5, "outputTokens": 5, "costUsd": 0.01},
                   "sources": [{"documentId": "tax", "score": 0.8}], "createdAt": "2026-12-03T10:00:03Z"}},
        {"at": "2026-12-03T10:00:04Z", "kind": "conversation-event", "topic": "parley.conversation-events", "partition": 2, "offset": 4,
         "event": {"type": "STAGE_CHANGED", "from": "DISCOVERY", "to": "NEGOTIATION"}},
        {"at": "2026-12-03T10:00:05Z", "kind": "conversation-event", "topic": "parley.conversation-events", "partition": 2, "offset": 5,
         "event": {"type": "ESCALATED", "escalation": {"ticketId": "T-9", "reason": "internal note"}, "requestedBy": "agent-7", "createdAt": "2026-12-03T10:00:05Z"}}
      ]}
      """);

  @Test
  void aCustomerSeesWhatTheyWroteAndWereAnsweredAndNothingInternal() {
    JsonNode shown = CustomerTranscript.of(TRANSCRIPT);

    assertThat(shown.path("events")).extracting(event -> event.path("kind").asString())
        .containsExactly("message", "reply", "conversation-event");
    JsonNode message = shown.path("events").get(0);
    assertThat(message.path("event").path("text").asString()).startsWith("<script>");
    assertThat(message.path("event").path("channel").asString()).isEqualTo("WEB");
    assertThat(message.has("topic")).isFalse();
    assertThat(message.has("offset")).isFalse();
    assertThat(message.path("event").has("customerId")).isFalse();
    JsonNode reply = shown.path("events").get(1).path("event");
    assertThat(reply.has("model")).isFalse();
    assertThat(reply.has("usage")).isFalse();
    assertThat(reply.has("sources")).isFalse();
    JsonNode escalated = shown.path("events").get(2).path("event");
    assertThat(escalated.path("ticketId").asString()).isEqualTo("T-9");
    assertThat(escalated.has("requestedBy")).isFalse();
    assertThat(shown.toString()).doesNotContain("internal note", "NEGOTIATION", "calculateTax", "10.0.0.1");
  }

  @Test
  void thePrintablePageEscapesTextAndShowsStaffTheDetails() {
    String staff = TranscriptPage.render(TRANSCRIPT, true);
    assertThat(staff).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    assertThat(staff).contains("calculateTax({}) → OK in 12 ms").contains("model gpt, tokens 10, cost $ 0.01, sources tax (0.8)")
        .contains("STAGE_CHANGED DISCOVERY → NEGOTIATION").contains("<details>");

    String customer = TranscriptPage.render(CustomerTranscript.of(TRANSCRIPT), false);
    assertThat(customer).contains("It is $10.").doesNotContain("<details>").doesNotContain("calculateTax");
  }

  @Test
  void answersInTheFormatAskedForFirst() {
    assertThat(TranscriptController.format(null)).isEqualTo(MediaType.APPLICATION_JSON);
    assertThat(TranscriptController.format("*/*")).isEqualTo(MediaType.APPLICATION_JSON);
    assertThat(TranscriptController.format("application/x-ndjson")).isEqualTo(MediaType.APPLICATION_NDJSON);
    assertThat(TranscriptController.format("text/html,application/xhtml+xml,*/*;q=0.8")).isEqualTo(MediaType.TEXT_HTML);
    assertThat(TranscriptController.format("application/json;q=0.5, application/x-ndjson")).isEqualTo(MediaType.APPLICATION_NDJSON);
    assertThat(TranscriptController.format("image/png")).isEqualTo(MediaType.APPLICATION_JSON);
  }
}
