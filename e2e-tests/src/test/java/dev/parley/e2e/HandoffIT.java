package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
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
        found -> found.stream().anyMatch(r -> "human".equals(r.getModel().getProvider())), WAIT);
    assertThat(replies.stream().filter(r -> r.getMessageIds().contains(waitingMessage))).as("the bot did not answer").isEmpty();
    AssistantReply fromAgent = replies.stream().filter(r -> "human".equals(r.getModel().getProvider())).findFirst().orElseThrow();
    assertThat(fromAgent.getText()).isEqualTo("Hi, this is Sam. Let me check your order.");
    assertThat(fromAgent.getModel().getName()).isEqualTo("agent-sam");
    var view = customer.poll("/ai/conversations/" + conversation,
        v -> v.get("messages").toString().contains("Let me check your order"));
    assertThat(view.get("messages").toString()).contains("hello? anyone?");

    assertThat(customer.patch("/ai/conversations/" + conversation, "{\"status\":\"ACTIVE\"}").status()).isEqualTo(202);
    customer.poll("/ai/conversations/" + conversation, v -> "ACTIVE".equals(v.get("status").asString()));
    var back = customer.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(back.status()).as("the bot answers again after hand-back").isEqualTo(200);
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
