package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /ai/conversations/{id}/transcript}: a conversation's every event, read back from the
 * topics through context-service's transcript index, in order; as JSON, NDJSON and a printable
 * page; whole for staff, a customer's own without internal fields, nobody else's.
 */
class TranscriptIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @AfterEach
  void providerBack() {
    Pipeline.provider().recover();
  }

  @Test
  void shouldListToolsHandoffAndAFailedThenRedrivenDeliveryInOrder() {
    var stack = Pipeline.stack();
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-ann", Duration.ofHours(1)));
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(SampleData.TENANT, "admin-1", Duration.ofHours(1)));
    String conversation = "wa-transcript-" + UUID.randomUUID();

    // A WhatsApp question answered with the tax tool; the provider is down, so its delivery fails
    // three times and is dead-lettered, then re-driven once the provider is back.
    Pipeline.provider().failWith(503);
    String replyId = DeliveryIT.whatsAppReplyTo(conversation, "How much sales tax will I pay in Texas with a trade-in?", "c-1001", "d-2001");
    JsonNode deadLettered = poll(agent, conversation, events -> events.stream().anyMatch(e -> isDelivery(e, replyId, "DEAD_LETTERED")));
    Pipeline.provider().recover();
    long failureId = -1;
    for (JsonNode failure : admin.get("/ai/admin/failed-deliveries").json()) {
      if (failure.get("eventId").asString().equals(replyId)) {
        failureId = failure.get("id").asLong();
      }
    }
    assertThat(failureId).as("the failed delivery is listed").isPositive();
    assertThat(admin.post("/ai/admin/failed-deliveries/" + failureId + "/redrive", "").status()).isEqualTo(200);
    poll(agent, conversation, events -> events.stream().anyMatch(e -> isDelivery(e, replyId, "DELIVERED")));

    // A person takes the conversation over and writes to the customer.
    assertThat(agent.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"trade-in paperwork\"}").status())
        .isEqualTo(202);
    agent.poll("/ai/conversations/" + conversation, v -> "ESCALATED".equals(v.get("status").asString()));
    var sent = agent.post("/ai/conversations/" + conversation + "/agent-messages", "{\"text\":\"Hi, Ann here: I will send the forms.\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String agentReplyId = sent.json().get("replyId").asString();

    List<JsonNode> events = poll(agent, conversation, all -> all.stream().anyMatch(e -> isDelivery(e, agentReplyId, "DELIVERED")))
        .get("events").valueStream().toList();

    int message = first(events, e -> kind(e, "message") && e.at("/event/text").asString().contains("sales tax"));
    int turn = first(events, e -> kind(e, "turn"));
    int enrichment = first(events, e -> kind(e, "enrichment"));
    int tool = first(events, e -> kind(e, "tool-call"));
    int reply = first(events, e -> kind(e, "reply") && e.at("/event/eventId").asString().equals(replyId));
    int failed = first(events, e -> isDelivery(e, replyId, "FAILED"));
    int deadLetter = first(events, e -> isDelivery(e, replyId, "DEAD_LETTERED"));
    int delivered = first(events, e -> isDelivery(e, replyId, "DELIVERED"));
    int escalateCommand = first(events, e -> kind(e, "command") && e.at("/event/change/@type").asString().equals("Escalate"));
    int escalated = first(events, e -> kind(e, "conversation-event") && e.at("/event/type").asString().equals("ESCALATED"));
    int agentCommand = first(events, e -> kind(e, "command") && e.at("/event/change/@type").asString().equals("AgentMessage"));
    int agentReply = first(events, e -> kind(e, "reply") && e.at("/event/author").asString().equals("AGENT"));
    int agentDelivered = first(events, e -> isDelivery(e, agentReplyId, "DELIVERED"));
    assertThat(List.of(message, turn, enrichment, tool, reply, failed, deadLetter, delivered, escalateCommand, escalated,
        agentCommand, agentReply, agentDelivered)).as(kinds(events)).isSorted().doesNotContain(-1);

    JsonNode turnEvent = events.get(turn).get("event");
    assertThat(turnEvent.get("messageIds").toString()).as("the turn names the message it joined")
        .contains(events.get(message).at("/event/messageId").asString());
    JsonNode enriched = events.get(enrichment).get("event");
    assertThat(enriched.at("/intent/name").asString()).isEqualTo("pricing_tax");
    assertThat(enriched.at("/deal/dealId").asString()).isEqualTo("d-2001");
    assertThat(enriched.has("salesStage")).isTrue();
    JsonNode call = events.get(tool).get("event");
    assertThat(call.get("tool").asString()).isEqualTo("calculateSalesTax");
    assertThat(call.get("arguments").asString()).contains("\"state\":\"TX\"");
    assertThat(call.get("status").asString()).isEqualTo("OK");
    assertThat(call.get("output").asString()).as("what the tool answered").contains("1531.25");
    assertThat(call.has("latencyMs")).isTrue();
    JsonNode answered = events.get(reply).get("event");
    assertThat(answered.at("/model/name").asString()).isEqualTo("parley-offline-extractive");
    assertThat(answered.at("/usage/inputTokens").asInt()).isPositive();
    assertThat(answered.at("/sources/0/documentId").asString()).isEqualTo("kb-sales-tax");
    assertThat(answered.at("/sources/0/score").isNumber()).isTrue();
    assertThat(events.stream().filter(e -> isDelivery(e, replyId, "FAILED"))).as("three attempts failed").hasSize(3);
    assertThat(events.get(agentReply).at("/event/text").asString()).isEqualTo("Hi, Ann here: I will send the forms.");
    assertThat(deadLettered.get("missing").asLong()).isZero();

    // The same events, one per line; and a page to print.
    var ndjson = agent.get("/ai/conversations/" + conversation + "/transcript", "Accept", "application/x-ndjson");
    assertThat(ndjson.status()).isEqualTo(200);
    assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
    List<String> lines = ndjson.body().lines().toList();
    assertThat(lines.size()).isGreaterThanOrEqualTo(events.size());
    assertThat(Client.JSON.readTree(lines.get(0)).get("kind").asString()).isEqualTo(events.get(0).get("kind").asString());
    var page = agent.get("/ai/conversations/" + conversation + "/transcript", "Accept", "text/html");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("calculateSalesTax").contains("DEAD_LETTERED").contains("Hi, Ann here");
    assertThat(admin.get("/ai/conversations/" + conversation + "/transcript").status()).as("admins read transcripts too").isEqualTo(200);
  }

  @Test
  void shouldShowACustomerTheirOwnTranscriptWithoutInternalFieldsAndNobodyElses() {
    var stack = Pipeline.stack();
    var maria = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(1)));
    var other = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-other", Duration.ofHours(1)));
    var otherTenantsAgent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(Pipeline.HOOKED_TENANT, "agent-x", Duration.ofHours(1)));
    var chat = maria.chat("{\"message\":\"How much sales tax will I pay in Texas with a trade-in?\",\"dealId\":\"d-2001\"}");
    assertThat(chat.status()).as(chat.raw()).isEqualTo(200);
    String conversation = chat.body().get("conversationId").asString();
    String path = "/ai/conversations/" + conversation + "/transcript";

    JsonNode own = maria.poll(path, t -> t.get("events").valueStream().anyMatch(e -> kind(e, "reply")));
    assertThat(own.get("events").valueStream().map(e -> e.get("kind").asString() + " " + e.at("/event/type").asString("")))
        .as("what they wrote, the conversation starting, the answer").containsExactly("message ", "conversation-event STARTED", "reply ");
    assertThat(own.toString()).as("no tools, models, costs, stages or topic positions")
        .doesNotContain("calculateSalesTax", "parley-offline-extractive", "costUsd", "salesStage", "\"offset\"", "\"topic\"");
    assertThat(own.at("/events/2/event/text").asString()).isEqualTo(chat.body().get("reply").asString());

    assertThat(other.get(path).status()).as("another customer's conversation does not exist for them").isEqualTo(404);
    assertThat(otherTenantsAgent.get(path).status()).as("another tenant's conversation does not exist for its staff").isEqualTo(404);
    var unknown = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-ann", Duration.ofHours(1)))
        .get("/ai/conversations/no-such-conversation/transcript");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.isProblem()).isTrue();
  }

  private static JsonNode poll(Client client, String conversation, Predicate<List<JsonNode>> ready) {
    return client.poll("/ai/conversations/" + conversation + "/transcript", t -> ready.test(t.get("events").valueStream().toList()), WAIT);
  }

  private static boolean kind(JsonNode event, String kind) {
    return event.get("kind").asString().equals(kind);
  }

  private static boolean isDelivery(JsonNode event, String replyId, String status) {
    return kind(event, "delivery") && event.at("/event/replyId").asString().equals(replyId)
        && event.at("/event/status").asString().equals(status);
  }

  private static int first(List<JsonNode> events, Predicate<JsonNode> which) {
    for (int i = 0; i < events.size(); i++) {
      if (which.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String kinds(List<JsonNode> events) {
    List<String> all = new ArrayList<>();
    events.forEach(e -> all.add(e.get("kind").asString() + (kind(e, "delivery") ? ":" + e.at("/event/status").asString() : "")));
    return String.join(" ", all);
  }
}
