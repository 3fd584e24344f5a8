package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.delivery.channel.webhook.WebhookSigner;
import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.events.InboundMessage;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound delivery against a fake WhatsApp provider and webhook receiver over real HTTP: once,
 * retried, dead-lettered, re-driven, never twice, and signed.
 */
class DeliveryIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @AfterEach
  void providerBack() {
    Pipeline.provider().recover();
  }

  @Test
  void shouldSendWhatsAppReplyOnceThroughTheProvider() {
    String conversation = "wa-" + UUID.randomUUID();
    String replyId = whatsAppReplyTo(conversation, "Is the RAV4 Hybrid XSE in stock?");

    var sent = awaitRequests(replyId, 1);
    var body = sent.get(0).json();
    assertThat(body.get("chatId").asString()).isEqualTo("15125550142");
    assertThat(body.get("channelId").asString()).isEqualTo("wa-channel-1");
    assertThat(body.get("chatType").asString()).isEqualTo("whatsapp");
    assertThat(body.get("text").asString()).contains("RAV4 Hybrid XSE");
    assertThat(sent.get(0).header("Authorization")).isEqualTo("Bearer test-key");
    assertThat(receipts(replyId, r -> r.getStatus() == DeliveryStatus.DELIVERED)).hasSize(1);
  }

  @Test
  void shouldRetryThenDeadLetterThenDeliverExactlyOnceAfterRedrive() throws Exception {
    Pipeline.provider().failWith(503);
    String conversation = "wa-" + UUID.randomUUID();
    String replyId = whatsAppReplyTo(conversation, "What are your opening hours?");

    assertThat(receipts(replyId, r -> r.getStatus() == DeliveryStatus.DEAD_LETTERED)).hasSize(1);
    assertThat(receipts(replyId, r -> r.getStatus() == DeliveryStatus.FAILED)).hasSize(3);
    assertThat(Pipeline.provider().requests("/v3/message").stream().filter(r -> r.body().contains(replyId))).hasSize(3);

    var admin = new Client(Pipeline.stack().ingressUrl(), Pipeline.stack().tokens().mintAdmin(SampleData.TENANT, "admin-1", Duration.ofHours(1)));
    var open = admin.get("/ai/admin/failed-deliveries").json();
    long id = -1;
    for (var failure : open) {
      if (failure.get("eventId").asString().equals(replyId)) {
        id = failure.get("id").asLong();
        assertThat(failure.get("reason").asString()).contains("503");
      }
    }
    assertThat(id).as("the dead letter is listed").isPositive();

    Pipeline.provider().recover();
    var redriven = admin.post("/ai/admin/failed-deliveries/" + id + "/redrive", "");
    assertThat(redriven.status()).as(redriven.body()).isEqualTo(200);
    assertThat(redriven.json().get("result").asString()).as("back in the channel's queue").isEqualTo("QUEUED");
    Pipeline.provider().await("/v3/message", r -> r.body().contains(replyId) && r.status() == 200, 1);
    assertThat(receipts(replyId, r -> r.getStatus() == DeliveryStatus.DELIVERED)).hasSize(1);
    assertThat(Pipeline.provider().requests("/v3/message").stream()
        .filter(r -> r.body().contains(replyId) && r.status() == 200)).hasSize(1);
    assertThat(admin.post("/ai/admin/failed-deliveries/" + id + "/redrive", "").status())
        .as("a re-driven failure is not re-driven twice").isEqualTo(409);
  }

  @Test
  void shouldNotSendRedeliveredReplyTwice() throws Exception {
    String conversation = "wa-" + UUID.randomUUID();
    String replyId = whatsAppReplyTo(conversation, "Hello");
    awaitRequests(replyId, 1);
    AssistantReply reply = TopicReader.read(Topics.REPLIES, r -> r.getEventId().equals(replyId), found -> !found.isEmpty(), WAIT).get(0);

    send(Topics.REPLIES, Keys.of(SampleData.TENANT, conversation), reply);
    String later = whatsAppReplyTo(conversation, "Thanks");
    awaitRequests(later, 1);

    assertThat(Pipeline.provider().requests("/v3/message").stream().filter(r -> r.body().contains(replyId))).hasSize(1);
  }

  @Test
  void shouldSignWebhookDeliveriesWithTheTenantsSecret() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(Pipeline.HOOKED_TENANT, "u1", Duration.ofHours(1)));

    var reply = client.chat("{\"message\":\"hello\"}");
    String replyId = reply.body().get("replyId").asString();

    var hooks = await(() -> Pipeline.provider().requests(Pipeline.ALL_EVENTS_HOOK).stream()
        .filter(r -> r.body().contains(replyId)).toList(), 1);
    var hook = hooks.get(0);
    long timestamp = Long.parseLong(hook.header(WebhookSigner.TIMESTAMP_HEADER));
    assertThat(hook.header(WebhookSigner.SIGNATURE_HEADER))
        .isEqualTo(WebhookSigner.sign(Pipeline.HOOK_SECRET, timestamp, hook.body()));
    assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(120);
    assertThat(hook.json().get("text").asString()).isEqualTo(reply.body().get("reply").asString());
  }

  /** Sends a WhatsApp message as the provider webhook would and returns the id its reply will carry. */
  static String whatsAppReplyTo(String conversation, String text) {
    return whatsAppReplyTo(conversation, text, null, null);
  }

  /** The same, about a CRM customer and deal (null: none). */
  static String whatsAppReplyTo(String conversation, String text, String customerId, String dealId) {
    String messageId = "wamid-" + UUID.randomUUID();
    send(Topics.INBOUND_MESSAGES, Keys.of(SampleData.TENANT, conversation), InboundMessage.newBuilder()
        .setEventId(UUID.randomUUID().toString()).setTenantId(SampleData.TENANT).setConversationId(conversation)
        .setMessageId(messageId).setUserId("wa:15125550142").setText(text).setCustomerId(customerId).setDealId(dealId)
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.WHATSAPP).setProvider("wazzup")
            .setExternalChatId("15125550142").setMetadata(Map.of("channelId", "wa-channel-1")).build())
        .setReceivedAt(Instant.now()).build());
    AssistantReply reply = TopicReader.read(Topics.REPLIES, r -> r.getMessageIds().contains(messageId),
        found -> !found.isEmpty(), WAIT).get(0);
    return reply.getEventId();
  }

  private static List<DeliveryReceipt> receipts(String replyId, java.util.function.Predicate<DeliveryReceipt> which) {
    return TopicReader.read(Topics.DELIVERY_RECEIPTS, r -> r.getReplyId().equals(replyId) && which.test(r),
        found -> !found.isEmpty(), WAIT);
  }

  private static List<FakeProvider.Request> awaitRequests(String replyId, int count) {
    return await(() -> Pipeline.provider().requests("/v3/message").stream().filter(r -> r.body().contains(replyId)).toList(), count);
  }

  private static List<FakeProvider.Request> await(java.util.function.Supplier<List<FakeProvider.Request>> requests, int count) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline && requests.get().size() < count) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return requests.get();
  }

  private static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
    var stack = Pipeline.stack();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new StringSerializer(), new AvroSerdes(stack.registryUrl()).<V>valueSerde(topic).serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
