package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.TokenUsage;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tenant's dead webhook holds back no one else: with a receiver that never answers taking a
 * tenant's replies, another tenant's WhatsApp replies reach the provider as fast as before (p99
 * compared within this run), and once the receiver is back every held reply arrives, once.
 */
class TenantIsolationIT {

  private static final int MEASURED = 40;
  private static final int HELD = 30;

  @AfterEach
  void receiversBack() {
    Pipeline.provider().recover();
  }

  @Test
  void shouldKeepOtherTenantsDeliveriesAsFastWhileOneWebhookHangs() throws Exception {
    var stack = Pipeline.stack();
    String stalled = "stalled-" + UUID.randomUUID().toString().substring(0, 8);
    String hook = "/hooks/" + stalled;
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(stalled, "admin-1", Duration.ofHours(1)));
    var registered = admin.post("/ai/webhooks", "{\"url\":\"" + Pipeline.provider().url() + hook + "\",\"events\":[\"reply\"]}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);

    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(),
        new AvroSerdes(stack.registryUrl()).<AssistantReply>valueSerde(Topics.REPLIES).serializer())) {
      List<Long> before = whatsAppLatencies(producer);

      Pipeline.provider().hangOn(hook);
      List<String> held = new ArrayList<>();
      for (int i = 0; i < HELD; i++) { // conversations on every partition: every lane of the webhook is stuck
        AssistantReply reply = reply(stalled, "held-" + i + "-" + UUID.randomUUID(), ChannelType.WEB);
        producer.send(new ProducerRecord<>(Topics.REPLIES.name(), Keys.of(stalled, reply.getConversationId()), reply)).get();
        held.add(reply.getEventId());
      }
      Pipeline.provider().await(hook, r -> r.status() == 0, 3); // the receiver is holding calls now
      List<Long> during = whatsAppLatencies(producer);
      Pipeline.provider().recover();

      long p99Before = percentile(before, 99);
      long p99During = percentile(during, 99);
      System.out.printf("tenant isolation: another tenant's WhatsApp delivery p50/p99 %d/%d ms before, %d/%d ms while a webhook"
          + " hangs (%d replies held)%n", percentile(before, 50), p99Before, percentile(during, 50), p99During, HELD);
      assertThat(p99During).as("p99 while another tenant's webhook hangs, against %d ms before", p99Before)
          .isLessThanOrEqualTo(3 * p99Before + 1000);

      for (String id : held) { // the held replies resume, each delivered once
        Pipeline.provider().await(hook, r -> r.status() == 200 && r.body().contains(id), 1);
      }
      for (String id : held) {
        assertThat(Pipeline.provider().requests(hook).stream().filter(r -> r.status() == 200 && r.body().contains(id)))
            .as("delivered once: " + id).hasSize(1);
      }
    }
  }

  /** Sends replies to the sample tenant's WhatsApp chats one at a time; how long each took to reach the provider. */
  private static List<Long> whatsAppLatencies(KafkaProducer<String, AssistantReply> producer) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < MEASURED; i++) {
      AssistantReply reply = reply(SampleData.TENANT, "wa-iso-" + UUID.randomUUID(), ChannelType.WHATSAPP);
      long sent = System.nanoTime();
      producer.send(new ProducerRecord<>(Topics.REPLIES.name(), Keys.of(SampleData.TENANT, reply.getConversationId()), reply)).get();
      var arrived = Pipeline.provider().await("/v3/message", r -> r.body().contains(reply.getEventId()), 1).get(0);
      latencies.add(Duration.ofNanos(arrived.receivedNanos() - sent).toMillis());
    }
    return latencies;
  }

  private static AssistantReply reply(String tenant, String conversation, ChannelType channel) {
    ChannelInfo.Builder info = ChannelInfo.newBuilder().setType(channel);
    if (channel == ChannelType.WHATSAPP) {
      info.setProvider("wazzup").setExternalChatId("15125550142").setMetadata(Map.of("channelId", "wa-channel-1"));
    }
    return AssistantReply.newBuilder()
        .setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setTurnId("turn-" + UUID.randomUUID()).setMessageIds(List.of("m-" + UUID.randomUUID())).setChannel(info.build())
        .setText("Your test drive is booked.").setIntent(new Intent("other", 1.0)).setModel(new ModelInfo("test", "test", false))
        .setAuthor(ReplyAuthor.ASSISTANT).setUsage(new TokenUsage(0, 0, false, 0.0)).setProcessingTimeMs(0)
        .setCreatedAt(Instant.now()).build();
  }

  private static long percentile(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }
}
