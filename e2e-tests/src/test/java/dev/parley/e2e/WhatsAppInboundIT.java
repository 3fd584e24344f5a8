package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.InboundMessage;
import dev.parley.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** WhatsApp in through Wazzup's webhook, out through the (fake) provider. */
class WhatsAppInboundIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shouldAnswerBurstOfThreeMessagesWithOneReplyOnWhatsApp() throws Exception {
    String chat = chatId();
    String id = "m" + System.nanoTime();
    String burst = "{\"messages\":[" + message(id + "a", chat, "hi") + "," + message(id + "b", chat, "is the RAV4 Hybrid XSE")
        + "," + message(id + "c", chat, "in stock?") + "]}";

    var accepted = post(burst, sign(burst));

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(Client.JSON.readTree(accepted.body()).get("messages").asInt()).isEqualTo(3);
    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> chat.equals(r.getChannel().getExternalChatId()),
        found -> !found.isEmpty(), WAIT);
    assertThat(replies).singleElement().satisfies(reply -> {
      assertThat(reply.getMessageIds()).containsExactly("wazzup:" + id + "a", "wazzup:" + id + "b", "wazzup:" + id + "c");
      assertThat(reply.getText()).contains("RAV4 Hybrid XSE is in stock");
    });
    String replyId = replies.get(0).getEventId();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline && Pipeline.provider().requests("/v3/message").stream().noneMatch(r -> r.body().contains(replyId))) {
      Thread.sleep(100);
    }
    assertThat(Pipeline.provider().requests("/v3/message").stream().filter(r -> r.body().contains(replyId)))
        .singleElement().satisfies(sent -> assertThat(sent.json().get("chatId").asString()).isEqualTo(chat));
  }

  @Test
  void shouldMakeNoSecondTurnFromRedeliveredWebhook() throws Exception {
    String chat = chatId();
    String first = "{\"messages\":[" + message("r" + System.nanoTime(), chat, "What are your opening hours?") + "]}";
    assertThat(post(first, sign(first)).statusCode()).isEqualTo(200);
    assertThat(post(first, sign(first)).statusCode()).as("the provider retries").isEqualTo(200);
    Thread.sleep(3500); // after the debounce gap, so the next message is a turn of its own
    String later = "{\"messages\":[" + message("s" + System.nanoTime(), chat, "Thanks!") + "]}";
    assertThat(post(later, sign(later)).statusCode()).isEqualTo(200);

    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> chat.equals(r.getChannel().getExternalChatId()),
        found -> found.size() >= 2, WAIT);
    assertThat(replies).hasSize(2);
    assertThat(replies.get(0).getMessageIds()).hasSize(1);
  }

  @Test
  void shouldStartNewConversationWhenTheChatsConversationWasClosed() throws Exception {
    String chat = chatId();
    String first = "{\"messages\":[" + message("c" + System.nanoTime(), chat, "hello there") + "]}";
    assertThat(post(first, sign(first)).statusCode()).isEqualTo(200);
    String conversation = TopicReader.read(Topics.INBOUND_MESSAGES, m -> chat.equals(m.getChannel().getExternalChatId()),
        found -> !found.isEmpty(), WAIT).get(0).getConversationId(); // only one message so far
    var stack = Pipeline.stack();
    var manager = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "manager", Duration.ofHours(1)));
    manager.poll("/ai/conversations/" + conversation, view -> true); // context-service has it
    assertThat(manager.patch("/ai/conversations/" + conversation, "{\"status\":\"CLOSED\"}").status()).isEqualTo(202);
    manager.poll("/ai/conversations/" + conversation, view -> "CLOSED".equals(view.get("status").asString()));

    String second = "{\"messages\":[" + message("d" + System.nanoTime(), chat, "hi again") + "]}";
    assertThat(post(second, sign(second)).statusCode()).isEqualTo(200);

    List<InboundMessage> messages = TopicReader.read(Topics.INBOUND_MESSAGES, m -> chat.equals(m.getChannel().getExternalChatId()),
        found -> found.size() >= 2, WAIT);
    String later = messages.stream().filter(m -> m.getText().equals("hi again")).findFirst().orElseThrow().getConversationId();
    assertThat(conversation).endsWith("-1");
    assertThat(later).as("a closed conversation is not reused").isNotEqualTo(conversation).endsWith("-2");
  }

  @Test
  void shouldRefuseBadOrMissingSignatureAndPublishNothing() throws Exception {
    String chat = chatId();
    String body = "{\"messages\":[" + message("x" + System.nanoTime(), chat, "hello") + "]}";

    assertThat(post(body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
    assertThat(post(body, null).statusCode()).isEqualTo(401);
    var valid = "{\"messages\":[" + message("y" + System.nanoTime(), chat, "hello") + "]}";
    assertThat(post(valid, sign(valid)).statusCode()).isEqualTo(200);

    List<InboundMessage> published = TopicReader.read(Topics.INBOUND_MESSAGES, m -> chat.equals(m.getChannel().getExternalChatId()),
        found -> !found.isEmpty(), WAIT);
    assertThat(published).singleElement().extracting(InboundMessage::getText).isEqualTo("hello");
    assertThat(published.get(0).getMessageId()).startsWith("wazzup:y");
  }

  private static String chatId() {
    return "1512" + ThreadLocalRandom.current().nextLong(1_000_000L, 9_999_999L);
  }

  private static String message(String id, String chat, String text) {
    return WhatsAppWebhook.message(Pipeline.WHATSAPP_CHANNEL, id, chat, text);
  }

  private static String sign(String body) {
    return WhatsAppWebhook.sign(body);
  }

  private static HttpResponse<String> post(String body, String signature) {
    return WhatsAppWebhook.post(Pipeline.WHATSAPP_CHANNEL, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), signature);
  }
}
