package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.delivery.channel.webhook.WebhookSigner;
import dev.parley.events.ConversationEventType;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A tenant's admin registers, lists and deletes webhooks through the API; deliveries follow. */
class WebhookRegistrationIT {

  @Test
  void shouldDeliverToRegisteredWebhookWithItsOwnSecretUntilDeleted() throws Exception {
    var stack = Pipeline.stack();
    String tenant = "portal-" + UUID.randomUUID().toString().substring(0, 8);
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(tenant, "admin-1", Duration.ofHours(1)));
    var user = new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "u-1", Duration.ofHours(1)));
    String path = "/hooks/" + tenant;
    String url = Pipeline.provider().url() + path;

    var created = admin.post("/ai/webhooks", "{\"url\":\"" + url + "\",\"events\":[\"conversation.escalated\",\"conversation.closed\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    String secret = created.json().get("secret").asString();
    assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
    var again = admin.post("/ai/webhooks", "{\"url\":\"" + url + "\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.isProblem()).isTrue();
    var listed = admin.get("/ai/webhooks");
    assertThat(listed.json()).hasSize(1);
    assertThat(listed.json().get(0).get("url").asString()).isEqualTo(url);
    assertThat(listed.json().get(0).has("secret")).as("the secret is shown once, at registration").isFalse();

    String conversation = "reg-" + UUID.randomUUID();
    user.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(user.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"wants a person\"}").status())
        .isEqualTo(202);
    var escalated = Pipeline.provider().await(path, r -> r.body().contains(conversation), 1).get(0);
    assertThat(escalated.json().get("type").asString()).isEqualTo("conversation.escalated");
    long timestamp = Long.parseLong(escalated.header(WebhookSigner.TIMESTAMP_HEADER));
    assertThat(escalated.header(WebhookSigner.SIGNATURE_HEADER)).isEqualTo(WebhookSigner.sign(secret, timestamp, escalated.body()));

    assertThat(admin.delete("/ai/webhooks/" + id).status()).isEqualTo(204);
    assertThat(admin.delete("/ai/webhooks/" + id).status()).isEqualTo(404);
    assertThat(admin.get("/ai/webhooks").json()).isEmpty();
    assertThat(user.patch("/ai/conversations/" + conversation, "{\"status\":\"CLOSED\"}").status()).isEqualTo(202);
    TopicReader.read(Topics.CONVERSATION_EVENTS, e -> e.getConversationId().equals(conversation)
        && e.getType() == ConversationEventType.CLOSED, found -> !found.isEmpty(), Duration.ofSeconds(60));
    Thread.sleep(3000); // delivery would have happened by now
    assertThat(Pipeline.provider().requests(path)).as("nothing after deletion, and never a reply").hasSize(1);
  }

  @Test
  void shouldRefuseWebhookManagementToNonAdminsAndBadRegistrations() {
    var stack = Pipeline.stack();
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin("portal-x", "admin-1", Duration.ofHours(1)));
    var user = new Client(stack.ingressUrl(), stack.tokens().mint("portal-x", "u-1", Duration.ofHours(1)));

    var forbidden = user.post("/ai/webhooks", "{\"url\":\"https://crm.example.com/hook\"}");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.isProblem()).isTrue();
    assertThat(user.get("/ai/webhooks").status()).isEqualTo(403);
    var badScheme = admin.post("/ai/webhooks", "{\"url\":\"ftp://crm.example.com/hook\"}");
    assertThat(badScheme.status()).isEqualTo(400);
    assertThat(badScheme.body()).contains("url must be");
    var unknownEvent = admin.post("/ai/webhooks", "{\"url\":\"https://crm.example.com/hook\",\"events\":[\"conversation.exploded\"]}");
    assertThat(unknownEvent.status()).isEqualTo(400);
    assertThat(unknownEvent.body()).contains("unknown events [conversation.exploded]");
    assertThat(admin.post("/ai/webhooks", "{}").status()).isEqualTo(400);
  }
}
