package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Queries over context-service's conversation store, through ingress, per tenant. */
class ConversationQueriesIT {

  private static Client client;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    client = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "sales-manager", Duration.ofHours(1)));
  }

  @Test
  void shouldShowConversationWithItsMessagesOnceTheReplyIsFolded() {
    String conversation = "q-" + UUID.randomUUID();
    client.chat("{\"message\":\"Is the Honda Civic still available?\",\"conversationId\":\"" + conversation + "\",\"customerId\":\"c-1004\"}");

    JsonNode view = client.poll("/ai/conversations/" + conversation, body -> body.get("replyCount").asInt() == 1);

    assertThat(view.get("conversationId").asString()).isEqualTo(conversation);
    assertThat(view.get("customerId").asString()).isEqualTo("c-1004");
    JsonNode byPhone = client.get("/ai/conversations?customer=305-555-0199&limit=200").json();
    assertThat(byPhone.get("items").toString()).as("found by the CRM phone in any format").contains(conversation);
    assertThat(view.get("status").asString()).isEqualTo("ACTIVE");
    assertThat(view.get("stage").asString()).isEqualTo("GREETING");
    assertThat(view.get("messages")).extracting(m -> m.get("role").asString()).containsExactly("USER", "ASSISTANT");
    assertThat(view.get("messages").get(0).get("text").asString()).isEqualTo("Is the Honda Civic still available?");
  }

  @Test
  void shouldListTenantsConversationsNewestFirstWithFiltersAndPaging() {
    Instant since = Instant.now().minusSeconds(1);
    String marker = "filter-" + UUID.randomUUID();
    String older = marker + "-a";
    String newer = marker + "-b";
    client.chat("{\"message\":\"hello\",\"conversationId\":\"" + older + "\",\"customerId\":\"" + marker + "\"}");
    client.chat("{\"message\":\"hello again\",\"conversationId\":\"" + newer + "\",\"customerId\":\"" + marker + "\"}");
    client.poll("/ai/conversations/" + newer, body -> body.get("replyCount").asInt() == 1);
    client.poll("/ai/conversations/" + older, body -> body.get("replyCount").asInt() == 1);

    JsonNode page = client.get("/ai/conversations?customer=" + marker.toUpperCase() + "&updatedSince=" + since + "&limit=1").json();

    assertThat(page.get("total").asInt()).isEqualTo(2);
    assertThat(page.get("items")).hasSize(1);
    JsonNode second = client.get("/ai/conversations?customer=" + marker + "&offset=1&limit=1").json();
    assertThat(List.of(page.get("items").get(0).get("conversationId").asString(), second.get("items").get(0).get("conversationId").asString()))
        .containsExactlyInAnyOrder(older, newer);
    assertThat(client.get("/ai/conversations?customer=" + marker + "&status=CLOSED").json().get("total").asInt()).isZero();
  }

  @Test
  void shouldNeverShowAnotherTenantsConversation() {
    String conversation = "private-" + UUID.randomUUID();
    client.chat("{\"message\":\"hi\",\"conversationId\":\"" + conversation + "\"}");
    client.poll("/ai/conversations/" + conversation, body -> true);
    var otherTenant = new Client(Pipeline.stack().ingressUrl(),
        Pipeline.stack().tokens().mintAgent("other-dealer", "snoop", Duration.ofHours(1)));

    var response = otherTenant.get("/ai/conversations/" + conversation);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.isProblem()).isTrue();
    assertThat(otherTenant.get("/ai/conversations?customer=").json().get("items").toString()).doesNotContain(conversation);
  }

  @Test
  void shouldRejectBadQueryParametersWithProblemDetails() {
    for (String query : List.of("limit=0", "limit=500", "status=ASLEEP", "updatedSince=yesterday")) {
      var response = client.get("/ai/conversations?" + query);
      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(response.isProblem()).isTrue();
    }
  }
}
