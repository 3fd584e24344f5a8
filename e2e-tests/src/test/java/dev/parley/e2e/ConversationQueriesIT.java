package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Queries over context-service's conversation store, through ingress, per tenant. */
class ConversationQueriesIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Client client;
  private static String token;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    token = stack.tokens().mint(SampleData.TENANT, "sales-manager", Duration.ofHours(1));
    client = new Client(stack.ingressUrl(), token);
  }

  @Test
  void shouldShowConversationWithItsMessagesOnceTheReplyIsFolded() throws Exception {
    String conversation = "q-" + UUID.randomUUID();
    client.chat("{\"message\":\"Is the Honda Civic still available?\",\"conversationId\":\"" + conversation + "\",\"customerId\":\"c-1004\"}");

    JsonNode view = poll("/ai/conversations/" + conversation, token, body -> body.get("replyCount").asInt() == 1);

    assertThat(view.get("conversationId").asString()).isEqualTo(conversation);
    assertThat(view.get("customerId").asString()).isEqualTo("c-1004");
    JsonNode byPhone = get("/ai/conversations?customer=305-555-0199&limit=200", token).body;
    assertThat(byPhone.get("items").toString()).as("found by the CRM phone in any format").contains(conversation);
    assertThat(view.get("status").asString()).isEqualTo("ACTIVE");
    assertThat(view.get("stage").asString()).isEqualTo("GREETING");
    assertThat(view.get("messages")).extracting(m -> m.get("role").asString()).containsExactly("USER", "ASSISTANT");
    assertThat(view.get("messages").get(0).get("text").asString()).isEqualTo("Is the Honda Civic still available?");
  }

  @Test
  void shouldListTenantsConversationsNewestFirstWithFiltersAndPaging() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    String marker = "filter-" + UUID.randomUUID();
    String older = marker + "-a";
    String newer = marker + "-b";
    client.chat("{\"message\":\"hello\",\"conversationId\":\"" + older + "\",\"customerId\":\"" + marker + "\"}");
    client.chat("{\"message\":\"hello again\",\"conversationId\":\"" + newer + "\",\"customerId\":\"" + marker + "\"}");
    poll("/ai/conversations/" + newer, token, body -> body.get("replyCount").asInt() == 1);
    poll("/ai/conversations/" + older, token, body -> body.get("replyCount").asInt() == 1);

    JsonNode page = get("/ai/conversations?customer=" + marker.toUpperCase() + "&updatedSince=" + since + "&limit=1", token).body;

    assertThat(page.get("total").asInt()).isEqualTo(2);
    assertThat(page.get("items")).hasSize(1);
    JsonNode second = get("/ai/conversations?customer=" + marker + "&offset=1&limit=1", token).body;
    assertThat(List.of(page.get("items").get(0).get("conversationId").asString(), second.get("items").get(0).get("conversationId").asString()))
        .containsExactlyInAnyOrder(older, newer);
    assertThat(get("/ai/conversations?customer=" + marker + "&status=CLOSED", token).body.get("total").asInt()).isZero();
  }

  @Test
  void shouldNeverShowAnotherTenantsConversation() throws Exception {
    String conversation = "private-" + UUID.randomUUID();
    client.chat("{\"message\":\"hi\",\"conversationId\":\"" + conversation + "\"}");
    poll("/ai/conversations/" + conversation, token, body -> true);
    String otherTenant = Pipeline.stack().tokens().mint("other-dealer", "snoop", Duration.ofHours(1));

    Response response = get("/ai/conversations/" + conversation, otherTenant);

    assertThat(response.status).isEqualTo(404);
    assertThat(response.contentType).startsWith("application/problem+json");
    assertThat(get("/ai/conversations?customer=", otherTenant).body.get("items").toString()).doesNotContain(conversation);
  }

  @Test
  void shouldRejectBadQueryParametersWithProblemDetails() throws Exception {
    for (String query : List.of("limit=0", "limit=500", "status=ASLEEP", "updatedSince=yesterday")) {
      Response response = get("/ai/conversations?" + query, token);
      assertThat(response.status).as(query).isEqualTo(400);
      assertThat(response.contentType).startsWith("application/problem+json");
    }
  }

  private record Response(int status, String contentType, JsonNode body) {
  }

  private static Response get(String path, String bearer) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + path))
        .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
        response.body().isBlank() ? null : Client.JSON.readTree(response.body()));
  }

  private static JsonNode poll(String path, String bearer, java.util.function.Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = get(path, bearer);
      if (last.status == 200 && ready.test(last.body)) {
        return last.body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not ready: " + (last == null ? "no answer" : last.status + " " + last.body));
  }
}
