package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.audit.AvroJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /ai/admin/export} and {@code POST /ai/admin/replay}: a tenant's conversation log in a
 * time range, as NDJSON that resumes exactly after a position, and re-published into a replay topic
 * of the tenant's, byte for byte; never another tenant's records.
 */
class ExportReplayIT {

  private static Client admin;
  private static Instant from;
  private static Instant to;
  private static String first;
  private static String second;
  private static String otherTenants;

  @BeforeAll
  static void conversations() throws Exception {
    var stack = Pipeline.stack();
    admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(SampleData.TENANT, "export-admin", Duration.ofHours(1)));
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "export-customer", Duration.ofHours(1)));
    var elsewhere = new Client(stack.ingressUrl(), stack.tokens().mint(Pipeline.HOOKED_TENANT, "export-customer", Duration.ofHours(1)));
    from = Instant.now().minusSeconds(1);
    first = "export-a-" + UUID.randomUUID();
    second = "export-b-" + UUID.randomUUID();
    otherTenants = "export-other-" + UUID.randomUUID();
    assertThat(customer.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + first + "\"}").status()).isEqualTo(200);
    assertThat(elsewhere.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + otherTenants + "\"}").status())
        .isEqualTo(200);
    assertThat(customer.chat("{\"message\":\"Is the RAV4 Hybrid XSE in stock?\",\"conversationId\":\"" + second + "\"}").status())
        .isEqualTo(200);
    Thread.sleep(1_500); // the conversation events and state written after the replies
    to = Instant.now();
  }

  @Test
  void shouldExportTheTenantsLogInOrderAndResumeExactlyAfterAPosition() {
    List<JsonNode> lines = export(null);

    assertThat(lines).extracting(line -> line.get("conversationId").asString())
        .contains(first, second).doesNotContain(otherTenants);
    assertThat(lines).filteredOn(line -> line.get("conversationId").asString().equals(first))
        .extracting(line -> line.get("kind").asString()).contains("message", "turn", "enrichment", "reply", "conversation-event");
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.at("/event/tenantId").asString()).isEqualTo(SampleData.TENANT);
      assertThat(Instant.parse(line.get("at").asString())).isBetween(from, to);
    });
    JsonNode message = lines.stream().filter(line -> line.get("kind").asString().equals("message")
        && line.get("conversationId").asString().equals(second)).findFirst().orElseThrow();
    assertThat(message.at("/event/text").asString()).isEqualTo("Is the RAV4 Hybrid XSE in stock?");

    int cut = lines.size() / 2;
    List<JsonNode> rest = export(lines.get(cut).get("position").asString());
    assertThat(rest).extracting(line -> line.get("position").asString())
        .as("resumed after a position: exactly the lines that followed it")
        .containsExactlyElementsOf(lines.subList(cut + 1, lines.size()).stream().map(line -> line.get("position").asString()).toList());
  }

  @Test
  void shouldReplayTheRangeIntoTheTenantsReplayTopicAsItWas() {
    List<JsonNode> exported = export(null);
    String name = "it-" + UUID.randomUUID().toString().substring(0, 8);

    var replayed = admin.post("/ai/admin/replay", "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"name\":\"" + name + "\"}");

    assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
    String topic = "parley.replay." + SampleData.TENANT + "." + name;
    assertThat(replayed.json().get("topic").asString()).isEqualTo(topic);
    assertThat(replayed.json().get("records").asLong()).isEqualTo(exported.size());
    List<ConsumerRecord<byte[], byte[]>> copies = readAll(topic);
    assertThat(copies).hasSize(exported.size());
    var values = new AvroSerdes(Pipeline.stack().registryUrl()).anyRecordSerde().deserializer();
    for (int i = 0; i < copies.size(); i++) {
      ConsumerRecord<byte[], byte[]> copy = copies.get(i);
      JsonNode original = exported.stream().filter(line -> line.get("position").asString()
          .equals(new String(copy.headers().lastHeader("parley-replayed-from").value(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
      assertThat(new String(copy.key(), StandardCharsets.UTF_8)).isEqualTo(SampleData.TENANT + ":" + original.get("conversationId").asString());
      assertThat(Instant.ofEpochMilli(copy.timestamp()).toString()).isEqualTo(original.get("at").asString());
      assertThat(AvroJson.of((IndexedRecord) values.deserialize(topic, copy.value())).toString())
          .as("the same event, decodable with its schema id").isEqualTo(original.get("event").toString());
    }
  }

  @Test
  void shouldRefuseBadRangesPositionsAndNamesWithProblems() {
    assertThat(admin.get("/ai/admin/export?from=" + to + "&to=" + from).status()).isEqualTo(400);
    var badPosition = admin.get("/ai/admin/export?from=" + from + "&after=parley.ref.customers/0/1");
    assertThat(badPosition.status()).isEqualTo(400);
    assertThat(badPosition.isProblem()).isTrue();
    assertThat(badPosition.json().get("detail").asString()).contains("topic/partition/offset");
    assertThat(admin.get("/ai/admin/export").status()).as("from is required").isEqualTo(400);
    var badName = admin.post("/ai/admin/replay", "{\"from\":\"" + from + "\",\"name\":\"../parley.inbound-messages\"}");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.isProblem()).isTrue();
  }

  private static List<JsonNode> export(String after) {
    long started = System.nanoTime();
    var answer = admin.get("/ai/admin/export?from=" + from + "&to=" + to + (after == null ? "" : "&after=" + after));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/x-ndjson");
    List<JsonNode> lines = new ArrayList<>();
    answer.body().lines().filter(line -> !line.isBlank()).forEach(line -> lines.add(Client.JSON.readTree(line)));
    System.out.printf("export: %d lines in %d ms%n", lines.size(), (System.nanoTime() - started) / 1_000_000);
    return lines;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.stack().bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      return all;
    }
  }
}
