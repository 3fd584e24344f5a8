package dev.parley.e2e.bench;

import dev.parley.e2e.IndexRebuildCommand;
import dev.parley.events.ToolCallAudit;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import dev.parley.schemas.audit.ConversationLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Rebuilding state from the log: the log grows by audit records of many conversations (tool calls
 * of a bench tenant, real Avro, which only the analytics and the transcript index read), the live
 * applications catch up, then the transcript index is rebuilt into a fresh application id by the
 * operators' command and compared with the live one. The baseline: a bare consumer reading the same
 * partitions, bytes only.
 */
final class RebuildBenchmark {

  record Result(long bareRecords, double bareSeconds, IndexRebuildCommand.Outcome rebuild) {

    double barePerSecond() {
      return bareRecords / bareSeconds;
    }
  }

  private static final String TENANT = "bench-rebuild";
  private static final int CONVERSATIONS = 20_000;

  private RebuildBenchmark() {
  }

  static Result run(String bootstrapServers, String registryUrl, int records) throws Exception {
    append(bootstrapServers, registryUrl, records);
    awaitCaughtUp(bootstrapServers, List.of("parley-transcripts", "parley-analytics"), Duration.ofMinutes(5));
    long started = System.nanoTime();
    long read = readAll(bootstrapServers);
    double bareSeconds = (System.nanoTime() - started) / 1e9;
    return new Result(read, bareSeconds, IndexRebuildCommand.run(bootstrapServers));
  }

  /** Tool-call audit records of many conversations, one encoded value sent under many keys. */
  private static void append(String bootstrapServers, String registryUrl, int records) {
    ToolCallAudit call = ToolCallAudit.newBuilder().setEventId("bench").setTenantId(TENANT).setConversationId("bench")
        .setTurnId("t").setReplyId("r").setTool("searchInventory").setArguments("{\"model\":\"RAV4\"}").setStatus("OK")
        .setLatencyMs(12).setConfidence(0.9).setRound(1).setReasoning("bench").setModel("bench").setCreatedAt(Instant.now()).build();
    byte[] value = new AvroSerdes(registryUrl).anyRecordSerde().serializer().serialize(Topics.TOOL_CALLS.name(), call);
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        byte[] key = Keys.of(TENANT, "conversation-" + (i % CONVERSATIONS)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.TOOL_CALLS.name(), key, value));
      }
      producer.flush();
    }
  }

  /** Waits until the groups have committed every conversation-log partition up to its end. */
  private static void awaitCaughtUp(String bootstrapServers, List<String> groups, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (var description : admin.describeTopics(ConversationLog.topicNames()).allTopicNames().get().values()) {
        description.partitions().forEach(p -> query.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
      }
      var ends = admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
      for (String group : groups) {
        while (true) {
          var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
          boolean behind = false;
          for (var end : ends.entrySet()) {
            var at = committed.get(end.getKey());
            // Partitions a group does not read (analytics reads some of the log's topics) are not waited for.
            if (at != null && at.offset() < end.getValue().offset()) {
              behind = true;
            }
          }
          if (!behind) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(group + " did not catch up with the log within " + timeout);
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** Every record of the conversation log, read as bytes; how many. */
  private static long readAll(String bootstrapServers) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
        ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
    try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : ConversationLog.topicNames()) {
        consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long read = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
      return read;
    }
  }
}
