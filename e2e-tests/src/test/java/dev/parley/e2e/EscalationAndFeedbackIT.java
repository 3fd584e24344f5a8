package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Escalations and feedback are commands folded into the conversation state. */
class EscalationAndFeedbackIT {

  private static Client client;
  /** A sales agent of the tenant: sees how a conversation was routed and rated, which its customer does not. */
  private static Client staff;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    client = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-7", Duration.ofHours(1)));
    staff = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-7", Duration.ofHours(1)));
  }

  @Test
  void shouldEscalateToDepartmentOfCategoryAndQueueBehindOpenEscalations() {
    String first = "esc-" + UUID.randomUUID();
    String second = "esc-" + UUID.randomUUID();
    client.chat("{\"message\":\"My payment was charged twice\",\"conversationId\":\"" + first + "\"}");
    client.chat("{\"message\":\"The app shows an error\",\"conversationId\":\"" + second + "\"}");

    var ticket = client.post("/ai/escalate", "{\"conversationId\":\"" + first + "\",\"reason\":\"double charge\",\"priority\":\"high\",\"category\":\"billing\"}");
    assertThat(ticket.status()).as(ticket.body()).isEqualTo(202);
    JsonNode firstTicket = ticket.json();
    assertThat(firstTicket.get("department").asString()).isEqualTo("finance");
    assertThat(firstTicket.get("ticketId").asString()).startsWith("ESC-");
    JsonNode escalated = client.poll("/ai/conversations/" + first, view -> "ESCALATED".equals(view.get("status").asString()));
    assertThat(escalated.get("escalation").get("ticketId").asString()).isEqualTo(firstTicket.get("ticketId").asString());

    JsonNode secondTicket = client.post("/ai/escalate",
        "{\"conversationId\":\"" + second + "\",\"reason\":\"app error\",\"category\":\"technical\"}").json();
    assertThat(secondTicket.get("department").asString()).isEqualTo("technical-support");
    assertThat(secondTicket.get("priority").asString()).isEqualTo("normal");
    assertThat(secondTicket.get("queuePosition").asInt()).isGreaterThan(firstTicket.get("queuePosition").asInt());
  }

  @Test
  void shouldLetTheAssistantEscalateWhenTheCustomerAsksForAPerson() {
    String conversation = "ask-human-" + UUID.randomUUID();

    var reply = client.chat("{\"message\":\"I want to speak to a human about my bill\",\"conversationId\":\"" + conversation + "\"}");

    assertThat(reply.body().get("reply").asString()).contains("finance team").contains("ESC-");
    JsonNode view = staff.poll("/ai/conversations/" + conversation, v -> "ESCALATED".equals(v.get("status").asString()));
    assertThat(view.get("escalation").get("department").asString()).isEqualTo("finance");
  }

  @Test
  void shouldRecordFeedbackWithTheConversation() {
    String conversation = "fb-" + UUID.randomUUID();
    client.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + conversation + "\"}");

    var recorded = client.post("/ai/feedback", "{\"conversationId\":\"" + conversation + "\",\"rating\":4,\"comment\":\"quick answer\",\"categories\":[\"speed\"]}");

    assertThat(recorded.status()).as(recorded.body()).isEqualTo(202);
    JsonNode view = staff.poll("/ai/conversations/" + conversation, v -> v.get("feedbackCount").asInt() == 1);
    assertThat(view.get("averageRating").asDouble()).isEqualTo(4.0);
  }

  @Test
  void shouldRejectInvalidEscalationAndFeedback() {
    for (String[] bad : new String[][] {
        {"/ai/escalate", "{\"conversationId\":\"c1\"}"},
        {"/ai/escalate", "{\"conversationId\":\"c1\",\"reason\":\"x\",\"priority\":\"whenever\"}"},
        {"/ai/feedback", "{\"conversationId\":\"c1\",\"rating\":6}"},
        {"/ai/feedback", "{\"rating\":3}"}}) {
      var response = client.post(bad[0], bad[1]);
      assertThat(response.status()).as(bad[1]).isEqualTo(400);
      assertThat(response.isProblem()).isTrue();
    }
  }
}
