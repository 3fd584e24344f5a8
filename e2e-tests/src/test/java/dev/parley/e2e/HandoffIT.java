package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.ReplyAuthor;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Human handoff: while a person has the conversation the bot is silent; the agent's words reach the customer. */
class HandoffIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shouldKeepBotSilentWhileEscalatedDeliverAgentMessagesAndResumeAfterHandBack() {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-9", Duration.ofHours(1)));
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(1)));
    String conversation = "handoff-" + UUID.randomUUID();
    customer.chat("{\"message\":\"I need help with my order\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(customer.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"order issue\"}").status())
        .isEqualTo(202);
    customer.poll("/ai/conversations/" + conversation, v -> "ESCALATED".equals(v.get("status").asString()));

    var waiting = customer.chat("{\"message\":\"hello? anyone?\",\"conversationId\":\"" + conversation + "\"}", "Prefer", "respond-async");
    String waitingMessage = waiting.body().get("messageId").asString();
    var sent = agent.post("/ai/conversations/" + conversation + "/agent-messages", "{\"text\":\"Hi, this is Sam. Let me check your order.\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);

    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(r -> r.getAuthor() == ReplyAuthor.AGENT), WAIT);
    assertThat(replies.stream().filter(r -> r.getMessageIds().contains(waitingMessage))).as("the bot did not answer").isEmpty();
    AssistantReply fromAgent = replies.stream().filter(r -> r.getAuthor() == ReplyAuthor.AGENT).findFirst().orElseThrow();
    assertThat(fromAgent.getText()).isEqualTo("Hi, this is Sam. Let me check your order.");
    assertThat(fromAgent.getModel().getName()).isEqualTo("agent-sam");
    assertThat(sent.json().get("replyId").asString()).as("the answer names the reply that carries the message")
        .isEqualTo(fromAgent.getEventId());
    var view = customer.poll("/ai/conversations/" + conversation,
        v -> v.get("messages").toString().contains("Let me check your order"));
    assertThat(view.get("messages").toString()).contains("hello? anyone?");

    assertThat(agent.patch("/ai/conversations/" + conversation, "{\"status\":\"ACTIVE\"}").status()).isEqualTo(202);
    customer.poll("/ai/conversations/" + conversation, v -> "ACTIVE".equals(v.get("status").asString()));
    var back = customer.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(back.status()).as("the bot answers again after hand-back").isEqualTo(200);
  }

  @Test
  void shouldSendAgentTextMediaAndTemplatesToWhatsAppCustomerThroughTheProvider() {
    var stack = Pipeline.stack();
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(1)));
    String conversation = "wa-handoff-" + UUID.randomUUID();
    String botReply = DeliveryIT.whatsAppReplyTo(conversation, "Can someone send me the brochure?");
    Pipeline.provider().await("/v3/message", r -> r.body().contains(botReply), 1);
    assertThat(agent.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"brochure\"}").status())
        .isEqualTo(202);
    agent.poll("/ai/conversations/" + conversation, v -> "ESCALATED".equals(v.get("status").asString()));

    var withFile = agent.post("/ai/conversations/" + conversation + "/agent-messages",
        "{\"text\":\"Here is the RAV4 brochure.\",\"mediaUrl\":\"https://cdn.example.com/rav4.pdf\"}");
    assertThat(withFile.status()).as(withFile.body()).isEqualTo(202);
    var template = agent.post("/ai/conversations/" + conversation + "/agent-messages",
        "{\"template\":{\"id\":\"tpl-follow-up\",\"values\":[\"Maria\",\"RAV4\"]}}");
    assertThat(template.status()).as(template.body()).isEqualTo(202);

    var sent = Pipeline.provider().await("/v3/message", r -> r.body().contains("15125550142") && !r.body().contains(botReply)
        && (r.body().contains("brochure") || r.body().contains("contentUri") || r.body().contains("templateId")), 3);
    assertThat(sent.get(0).json().get("text").asString()).isEqualTo("Here is the RAV4 brochure.");
    assertThat(sent.get(1).json().get("contentUri").asString()).isEqualTo("https://cdn.example.com/rav4.pdf");
    assertThat(sent.get(1).json().has("text")).as("a file goes on its own: the API takes one or the other").isFalse();
    var templated = sent.get(2).json();
    assertThat(templated.get("templateId").asString()).isEqualTo("tpl-follow-up");
    assertThat(templated.get("templateValues").toString()).isEqualTo("[\"Maria\",\"RAV4\"]");
    assertThat(templated.has("text")).isFalse();
    assertThat(templated.get("chatId").asString()).isEqualTo("15125550142");
  }

  @Test
  void shouldRefuseAgentMessageWithNeitherTextNorTemplateOrWithBadMediaUrl() {
    var stack = Pipeline.stack();
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(1)));

    var empty = agent.post("/ai/conversations/any/agent-messages", "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.isProblem()).isTrue();
    assertThat(empty.body()).contains("text or template is required");
    var badUrl = agent.post("/ai/conversations/any/agent-messages", "{\"text\":\"hi\",\"mediaUrl\":\"file:///etc/passwd\"}");
    assertThat(badUrl.status()).isEqualTo(400);
    assertThat(badUrl.body()).contains("mediaUrl must be an https URL");
    var badTemplate = agent.post("/ai/conversations/any/agent-messages", "{\"template\":{\"values\":[\"x\"]}}");
    assertThat(badTemplate.status()).isEqualTo(400);
    assertThat(badTemplate.body()).contains("template.id is required");
  }

  @Test
  void shouldAnswerAtOnceWhilePersonHasConversationAndShowTheMessageInTheAgentsFeed() throws Exception {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-11", Duration.ofHours(1)));
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(1)));
    String conversation = "held-" + UUID.randomUUID();
    customer.chat("{\"message\":\"I need help with my order\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(customer.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"order\"}").status())
        .isEqualTo(202);
    var agentFeed = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        agent.streamFor("/ai/conversations/" + conversation + "/stream", Duration.ofSeconds(8)));
    Thread.sleep(500); // the agent is following before the customer writes

    long started = System.nanoTime();
    var held = customer.chat("{\"message\":\"hello? anyone there?\",\"conversationId\":\"" + conversation + "\"}");
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(held.status()).as(held.raw()).isEqualTo(202);
    assertThat(tookMs).as("no 30 s wait for a reply that will not come from the bot").isLessThan(10_000);
    assertThat(held.body().get("status").asString()).isEqualTo("ESCALATED");
    assertThat(held.body().get("detail").asString()).contains("person");
    String messageId = held.body().get("messageId").asString();
    var seen = agentFeed.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(seen).anySatisfy(event -> {
      assertThat(event.name()).isEqualTo("conversation");
      assertThat(event.data().get("type").asString()).isEqualTo("message_for_agent");
      assertThat(event.data().get("text").asString()).isEqualTo("hello? anyone there?");
      assertThat(event.data().get("messageIds").toString()).contains(messageId);
    });
  }

  @Test
  void shouldAnswerConflictWithReasonWhenContextServiceRefusesAgentMessage() {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-9", Duration.ofHours(1)));
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(1)));
    String conversation = "handoff-" + UUID.randomUUID();
    customer.chat("{\"message\":\"hi\",\"conversationId\":\"" + conversation + "\"}");

    var refused = agent.post("/ai/conversations/" + conversation + "/agent-messages", "{\"text\":\"talking over the bot\"}");

    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.isProblem()).isTrue();
    assertThat(refused.json().get("code").asString()).isEqualTo("NOT_ESCALATED");
    assertThat(refused.json().get("commandId").asString()).isNotBlank();
  }

  @Test
  void shouldRefuseAgentMessagesFromTokensWithoutTheAgentRole() {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "customer-9", Duration.ofHours(1)));
    String conversation = "handoff-" + UUID.randomUUID();
    customer.chat("{\"message\":\"hi\",\"conversationId\":\"" + conversation + "\"}");

    var forbidden = customer.post("/ai/conversations/" + conversation + "/agent-messages", "{\"text\":\"I am not an agent\"}");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.isProblem()).isTrue();
  }
}
