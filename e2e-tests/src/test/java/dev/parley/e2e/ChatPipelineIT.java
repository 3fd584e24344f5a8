package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.devstack.Stack;
import dev.parley.events.AssistantReply;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.InboundMessage;
import dev.parley.events.ToolCallAudit;
import dev.parley.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline over HTTP, the way a client uses it: ingress → Kafka → context → llm → Kafka
 * → gateway, on a real broker, the real schema registry and the four services in their own JVMs.
 */
class ChatPipelineIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Stack stack;
  private static Client client;

  @BeforeAll
  static void startPipeline() {
    stack = Pipeline.stack();
    client = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(1)));
  }

  @Test
  void shouldAnswerChatWithGroundedReplyAndCrmContext() {
    var response = client.chat("""
        {"message":"How much sales tax will I pay in Texas with a trade-in?","customerId":"c-1001","dealId":"d-2001"}""");

    assertThat(response.status()).as(response.raw()).isEqualTo(200);
    var body = response.body();
    assertThat(body.get("reply").asString()).contains("6.25%").contains("trade-in")
        .as("computed by the tax tool from the deal: 6.25% of 32,500 less the 8,000 trade-in").contains("$1,531.25");
    assertThat(body.get("intent").asString()).isEqualTo("pricing_tax");
    assertThat(body.get("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(body.get("sources").get(0).get("documentId").asString()).isEqualTo("kb-sales-tax");
    assertThat(body.get("model").get("name").asString()).isEqualTo("parley-offline-extractive");
    assertThat(body.get("model").get("offline").asBoolean()).isTrue();
    assertThat(body.get("usage").get("inputTokens").asInt()).isPositive();
    assertThat(body.get("suggestedActions")).isNotEmpty();
    assertThat(body.get("followUpQuestions")).isNotEmpty();
    assertThat(body.get("processingTimeMs").asLong()).isPositive();

    String messageId = body.get("messageId").asString();
    EnrichedTurn turn = TopicReader.read(Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(messageId),
        found -> !found.isEmpty(), WAIT).get(0);
    assertThat(turn.getCustomer().getName()).isEqualTo("Maria Lopez");
    assertThat(turn.getDeal().getVehicle()).isEqualTo("2024 Toyota RAV4 XLE");
    assertThat(turn.getInsight().getDealStrategy()).isEqualTo("payment-first financing offer");
    String replyId = body.get("replyId").asString();
    List<ToolCallAudit> audit = TopicReader.read(Topics.TOOL_CALLS, a -> a.getReplyId().equals(replyId),
        found -> !found.isEmpty(), WAIT);
    assertThat(audit).singleElement().satisfies(call -> {
      assertThat(call.getTool()).isEqualTo("calculateSalesTax");
      assertThat(call.getStatus()).isEqualTo("OK");
      assertThat(call.getArguments()).contains("\"state\":\"TX\"");
    });
  }

  @Test
  void shouldAnswerStockQuestionFromTheInventory() {
    var response = client.chat("{\"message\":\"Is the RAV4 Hybrid XSE in stock?\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body().get("reply").asString())
        .contains("2024 Toyota RAV4 Hybrid XSE is in stock: 1 available at Main lot, $38,900.00");
  }

  @Test
  void shouldRecordDeliveryReceiptForEveryReply() {
    var response = client.chat("{\"message\":\"When are you open for test drives?\"}");
    assertThat(response.status()).isEqualTo(200);
    String replyId = response.body().get("replyId").asString();

    List<DeliveryReceipt> receipts = TopicReader.read(Topics.DELIVERY_RECEIPTS, r -> r.getReplyId().equals(replyId),
        found -> !found.isEmpty(), WAIT);
    assertThat(receipts).singleElement().extracting(DeliveryReceipt::getStatus).isEqualTo(DeliveryStatus.SERVED_BY_GATEWAY);
  }

  @Test
  void shouldYieldOneReplyWhenSameMessageIdIsSentTwice() {
    String conversation = "dup-" + UUID.randomUUID();
    String messageId = "m-" + UUID.randomUUID();
    String json = "{\"message\":\"What APR can I get?\",\"conversationId\":\"" + conversation + "\",\"messageId\":\"" + messageId + "\"}";

    var first = client.chat(json);
    var second = client.chat(json);
    // A later message of the same conversation is processed after both copies: once its reply
    // exists, any second reply to the duplicate would already be on the topic.
    var sentinel = client.chat("{\"message\":\"Thanks\",\"conversationId\":\"" + conversation + "\"}");

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body().get("replyId").asString()).isEqualTo(first.body().get("replyId").asString());
    assertThat(sentinel.status()).isEqualTo(200);
    String sentinelReply = sentinel.body().get("replyId").asString();
    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(r -> r.getEventId().equals(sentinelReply)), WAIT);
    assertThat(replies.stream().filter(r -> r.getMessageIds().contains(messageId))).hasSize(1);
  }

  @Test
  void shouldKeepTwoConversationsApart() {
    String a = "conv-a-" + UUID.randomUUID();
    String b = "conv-b-" + UUID.randomUUID();
    var firstA = CompletableFuture.supplyAsync(() -> client.chat(
        "{\"message\":\"I am interested in the RAV4 hybrid\",\"conversationId\":\"" + a + "\"}"));
    var firstB = CompletableFuture.supplyAsync(() -> client.chat(
        "{\"message\":\"Do you have a Ford F-150?\",\"conversationId\":\"" + b + "\"}"));
    assertThat(firstA.join().body().get("conversationId").asString()).isEqualTo(a);
    assertThat(firstB.join().body().get("conversationId").asString()).isEqualTo(b);

    var secondA = client.chat("{\"message\":\"What financing do you offer?\",\"conversationId\":\"" + a + "\"}");
    String secondMessage = secondA.body().get("messageId").asString();

    EnrichedTurn turn = TopicReader.read(Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(secondMessage),
        found -> !found.isEmpty(), WAIT).get(0);
    assertThat(turn.getTurn().getConversationId()).isEqualTo(a);
    assertThat(turn.getHistory()).extracting(m -> m.getText())
        .contains("I am interested in the RAV4 hybrid")
        .noneMatch(text -> text.contains("F-150"));
  }

  @Test
  void shouldStreamChunksInOrderThenFinalReply() {
    var accepted = client.chat("{\"message\":\"How does a larger down payment change my monthly payment?\"}",
        "Prefer", "respond-async");
    assertThat(accepted.status()).isEqualTo(202);
    String streamUrl = accepted.body().get("streamUrl").asString();
    assertThat(streamUrl).startsWith("/ai/conversations/" + accepted.body().get("conversationId").asString() + "/stream");

    List<Client.Event> events = client.stream(streamUrl, WAIT);

    assertThat(events).isNotEmpty();
    Client.Event last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("reply");
    List<Client.Event> chunks = events.subList(0, events.size() - 1);
    assertThat(chunks).isNotEmpty().allMatch(e -> "chunk".equals(e.name()));
    assertThat(chunks).extracting(e -> e.data().get("sequence").asInt())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
    String streamed = String.join("", chunks.stream().map(e -> e.data().get("text").asString()).toList());
    assertThat(streamed).isEqualTo(last.data().get("reply").asString());
    assertThat(last.data().get("messageId").asString()).isEqualTo(accepted.body().get("messageId").asString());
  }

  @Test
  void shouldRejectBadInputWithProblemDetailsAndPublishNothing() {
    String conversation = "bad-" + UUID.randomUUID();
    List<String> bodies = List.of(
        "{\"conversationId\":\"" + conversation + "\"}",
        "{\"message\":\"   \",\"conversationId\":\"" + conversation + "\"}",
        "{\"message\":\"" + "x".repeat(4001) + "\",\"conversationId\":\"" + conversation + "\"}",
        "{\"message\":\"hi\",\"conversationId\":\"" + conversation + "\"",
        "{\"message\":42,\"conversationId\":\"" + conversation + "\"}",
        "{\"message\":\"hi\",\"mood\":\"happy\",\"conversationId\":\"" + conversation + "\"}",
        "{\"message\":\"hi\",\"channel\":{\"type\":\"CARRIER_PIGEON\"},\"conversationId\":\"" + conversation + "\"}");
    List<String> expected = List.of("message is required", "message is required", "at most 4000 characters",
        "malformed JSON", "field 'message' has the wrong type", "unknown field 'mood'", "channel.type must be WEB or API");

    for (int i = 0; i < bodies.size(); i++) {
      var response = client.chat(bodies.get(i));
      assertThat(response.status()).as(bodies.get(i)).isEqualTo(400);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.body().get("detail").asString()).contains(expected.get(i));
    }
    // The same conversation then gets a valid message: only that one may reach the topic.
    var valid = client.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(valid.status()).isEqualTo(200);
    String validId = valid.body().get("messageId").asString();
    List<InboundMessage> published = TopicReader.read(Topics.INBOUND_MESSAGES, m -> m.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(m -> m.getMessageId().equals(validId)), WAIT);
    assertThat(published).extracting(InboundMessage::getMessageId).containsExactly(validId);
  }

  @Test
  void shouldRefuseRequestsWithoutValidToken() {
    var anonymous = new Client(stack.ingressUrl(), null).chat("{\"message\":\"hi\"}");
    var forged = new Client(stack.ingressUrl(), new dev.parley.devstack.DevTokens("another-secret-of-at-least-32-bytes!!")
        .mint(SampleData.TENANT, "mallory", Duration.ofHours(1))).chat("{\"message\":\"hi\"}");
    var expired = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "e2e-user",
        java.time.Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1)))
        .chat("{\"message\":\"hi\"}");

    for (var response : List.of(anonymous, forged, expired)) {
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
  }

  @Test
  void shouldRegisterEverySchemaWithBackwardCompatibilityRule() throws Exception {
    client.chat("{\"message\":\"hi\"}"); // by now every service has written its topics' schemas
    HttpClient http = HttpClient.newHttpClient();
    for (var topic : Set.of(Topics.INBOUND_MESSAGES, Topics.TURNS, Topics.ENRICHED_TURNS, Topics.REPLY_CHUNKS,
        Topics.REPLIES, Topics.DELIVERY_RECEIPTS, Topics.CONVERSATIONS, Topics.KNOWLEDGE_DOCUMENTS)) {
      var rule = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/groups/default/artifacts/"
          + topic.valueArtifactId() + "/rules/COMPATIBILITY")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(rule.statusCode()).as(topic.name()).isEqualTo(200);
      assertThat(Client.JSON.readTree(rule.body()).get("config").asString()).isEqualTo("BACKWARD");
    }
  }
}
