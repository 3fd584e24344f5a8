package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Escalations and feedback are commands folded into the conversation state. */
class EscalationAndFeedbackIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Client client;
  private static String token;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    token = stack.tokens().mint(SampleData.TENANT, "customer-7", Duration.ofHours(1));
    client = new Client(stack.ingressUrl(), token);
  }

  @Test
  void shouldEscalateToDepartmentOfCategoryAndQueueBehindOpenEscalations() throws Exception {
    String first = "esc-" + UUID.randomUUID();
    String second = "esc-" + UUID.randomUUID();
    client.chat("{\"message\":\"My payment was charged twice\",\"conversationId\":\"" + first + "\"}");
    client.chat("{\"message\":\"The app shows an error\",\"conversationId\":\"" + second + "\"}");

    var ticket = post("/ai/escalate", "{\"conversationId\":\"" + first + "\",\"reason\":\"double charge\",\"priority\":\"high\",\"category\":\"billing\"}");
    assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(202);
    JsonNode firstTicket = Client.JSON.readTree(ticket.body());
    assertThat(firstTicket.get("department").asString()).isEqualTo("finance");
    assertThat(firstTicket.get("ticketId").asString()).startsWith("ESC-");
    JsonNode escalated = poll("/ai/conversations/" + first, view -> "ESCALATED".equals(view.get("status").asString()));
    assertThat(escalated.get("escalation").get("ticketId").asString()).isEqualTo(firstTicket.get("ticketId").asString());

    JsonNode secondTicket = Client.JSON.readTree(post("/ai/escalate",
        "{\"conversationId\":\"" + second + "\",\"reason\":\"app error\",\"category\":\"technical\"}").body());
    assertThat(secondTicket.get("department").asString()).isEqualTo("technical-support");
    assertThat(secondTicket.get("priority").asString()).isEqualTo("normal");
    assertThat(secondTicket.get("queuePosition").asInt()).isGreaterThan(firstTicket.get("queuePosition").asInt());
  }

  @Test
  void shouldRecordFeedbackWithTheConversation() throws Exception {
    String conversation = "fb-" + UUID.randomUUID();
    client.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + conversation + "\"}");

    var recorded = post("/ai/feedback", "{\"conversationId\":\"" + conversation + "\",\"rating\":4,\"comment\":\"quick answer\",\"categories\":[\"speed\"]}");

    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(202);
    JsonNode view = poll("/ai/conversations/" + conversation, v -> v.get("feedbackCount").asInt() == 1);
    assertThat(view.get("averageRating").asDouble()).isEqualTo(4.0);
  }

  @Test
  void shouldRejectInvalidEscalationAndFeedback() throws Exception {
    for (String[] bad : new String[][] {
        {"/ai/escalate", "{\"conversationId\":\"c1\"}"},
        {"/ai/escalate", "{\"conversationId\":\"c1\",\"reason\":\"x\",\"priority\":\"whenever\"}"},
        {"/ai/feedback", "{\"conversationId\":\"c1\",\"rating\":6}"},
        {"/ai/feedback", "{\"rating\":3}"}}) {
      var response = post(bad[0], bad[1]);
      assertThat(response.statusCode()).as(bad[1]).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode poll(String path, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      var response = HTTP.send(HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + path))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200 && ready.test(Client.JSON.readTree(response.body()))) {
        return Client.JSON.readTree(response.body());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not ready: " + last);
  }
}
