package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.delivery.channel.webhook.WebhookSigner;
import dev.parley.events.DeliveredKind;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants' webhooks for conversation events: each webhook gets the events it subscribed to,
 * signed; a failing receiver gets retries, then a dead letter, then exactly one delivery after
 * re-drive.
 */
class ConversationWebhookIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @AfterEach
  void receiverBack() {
    Pipeline.provider().recover();
  }

  @Test
  void shouldDeliverConversationEventsSignedToWebhooksSubscribedToThem() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(Pipeline.HOOKED_TENANT, "u-7", Duration.ofHours(1)));
    String conversation = "hooks-" + UUID.randomUUID();
    var reply = client.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}");
    String replyId = reply.body().get("replyId").asString();
    var ticket = client.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"wants a person\",\"priority\":\"high\"}");
    assertThat(ticket.status()).as(ticket.body()).isEqualTo(202);
    client.poll("/ai/conversations/" + conversation, v -> "ESCALATED".equals(v.get("status").asString()));
    var agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(Pipeline.HOOKED_TENANT, "agent-1", Duration.ofHours(1)));
    assertThat(agent.patch("/ai/conversations/" + conversation, "{\"status\":\"ACTIVE\"}").status()).isEqualTo(202);
    client.poll("/ai/conversations/" + conversation, v -> "ACTIVE".equals(v.get("status").asString()));
    assertThat(client.patch("/ai/conversations/" + conversation, "{\"status\":\"CLOSED\"}").status()).isEqualTo(202);

    List<FakeProvider.Request> events = Pipeline.provider().await(Pipeline.CONVERSATION_EVENTS_HOOK,
        r -> r.body().contains(conversation), 4);
    assertThat(events).extracting(r -> r.json().get("type").asString()).containsExactly(
        "conversation.started", "conversation.escalated", "conversation.handed_back", "conversation.closed");
    var escalated = events.get(1);
    assertThat(escalated.header("X-Parley-Event")).isEqualTo("conversation.escalated");
    assertThat(escalated.header("Idempotency-Key")).as("receivers de-duplicate on it").isEqualTo(escalated.json().get("eventId").asString());
    assertThat(escalated.json().get("escalation").get("ticketId").asString()).isEqualTo(ticket.json().get("ticketId").asString());
    assertThat(escalated.json().get("escalation").get("priority").asString()).isEqualTo("high");
    assertThat(escalated.json().get("requestedBy").asString()).isEqualTo("u-7");
    long timestamp = Long.parseLong(escalated.header(WebhookSigner.TIMESTAMP_HEADER));
    assertThat(escalated.header(WebhookSigner.SIGNATURE_HEADER))
        .isEqualTo(WebhookSigner.sign(Pipeline.HOOK_SECRET, timestamp, escalated.body()));
    assertThat(Pipeline.provider().requests(Pipeline.CONVERSATION_EVENTS_HOOK).stream().filter(r -> r.body().contains(replyId)))
        .as("this webhook did not subscribe to replies").isEmpty();

    var everything = Pipeline.provider().await(Pipeline.ALL_EVENTS_HOOK, r -> r.body().contains(conversation), 5);
    assertThat(everything).extracting(r -> r.json().get("type").asString())
        .contains("reply", "conversation.escalated", "conversation.closed");
    String escalatedId = escalated.json().get("eventId").asString();
    assertThat(receipts(escalatedId, r -> r.getStatus() == DeliveryStatus.DELIVERED))
        .as("one receipt per webhook").hasSize(2).allMatch(r -> r.getKind() == DeliveredKind.CONVERSATION_EVENT);
  }

  @Test
  void shouldRetryThenDeadLetterThenDeliverConversationEventOnceAfterRedrive() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(Pipeline.HOOKED_TENANT, "u-8", Duration.ofHours(1)));
    String conversation = "hooks-" + UUID.randomUUID();
    client.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}");
    Pipeline.provider().await(Pipeline.CONVERSATION_EVENTS_HOOK, r -> r.body().contains(conversation), 1);
    Pipeline.provider().failWith(500, Pipeline.CONVERSATION_EVENTS_HOOK);

    assertThat(client.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"wants a person\"}").status())
        .isEqualTo(202);
    List<FakeProvider.Request> failed = Pipeline.provider().await(Pipeline.CONVERSATION_EVENTS_HOOK,
        r -> r.body().contains(conversation) && r.status() == 500, 3);
    String eventId = failed.get(0).json().get("eventId").asString();
    assertThat(receipts(eventId, r -> r.getStatus() == DeliveryStatus.DEAD_LETTERED)).hasSize(1);

    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(Pipeline.HOOKED_TENANT, "admin-1", Duration.ofHours(1)));
    long id = -1;
    for (var failure : admin.get("/ai/admin/failed-deliveries").json()) {
      if (failure.get("eventId").asString().equals(eventId)) {
        id = failure.get("id").asLong();
        assertThat(failure.get("kind").asString()).isEqualTo("CONVERSATION_EVENT");
        assertThat(failure.get("reason").asString()).contains("500");
      }
    }
    assertThat(id).as("the dead letter is listed").isPositive();

    Pipeline.provider().recover();
    var redriven = admin.post("/ai/admin/failed-deliveries/" + id + "/redrive", "");
    assertThat(redriven.status()).as(redriven.body()).isEqualTo(200);
    assertThat(redriven.json().get("result").asString()).as("back in the webhook's queue").isEqualTo("QUEUED");
    Pipeline.provider().await(Pipeline.CONVERSATION_EVENTS_HOOK, r -> r.body().contains(eventId) && r.status() == 200, 1);
    assertThat(Pipeline.provider().requests(Pipeline.CONVERSATION_EVENTS_HOOK).stream()
        .filter(r -> r.body().contains(eventId) && r.status() == 200)).hasSize(1);
    var again = admin.post("/ai/admin/failed-deliveries/" + id + "/redrive", "");
    assertThat(again.status()).as("a re-driven failure is not re-driven twice").isEqualTo(409);
    assertThat(again.isProblem()).isTrue();
  }

  private static List<DeliveryReceipt> receipts(String eventId, java.util.function.Predicate<DeliveryReceipt> which) {
    return TopicReader.read(Topics.DELIVERY_RECEIPTS, r -> r.getReplyId().equals(eventId) && which.test(r),
        found -> found.size() >= 2 || found.stream().anyMatch(r -> r.getStatus() == DeliveryStatus.DEAD_LETTERED), WAIT);
  }
}
