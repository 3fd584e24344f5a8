package dev.parley.e2e.bench;

import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.InboundMessage;
import dev.parley.schemas.AvroSerdes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline of a write: a bare Kafka producer sending Avro records of the size ingress writes
 * (an {@code InboundMessage} serialized through the registry's serdes), with ingress's settings
 * (acks=all, idempotence, linger 1 ms), to a scratch topic, as fast as it can.
 */
final class BareProducer {

  static final String TOPIC = "parley.bench.baseline";

  /** Records written per second, and the CPU they cost (this JVM and the broker's processes). */
  record Result(double perSecond, long records, Map<String, Double> cpu) {
  }

  private BareProducer() {
  }

  static Result run(String bootstrapServers, String registryUrl, Map<String, Long> processes, int records) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      if (!admin.listTopics().names().get().contains(TOPIC)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get();
      }
    }
    var serializer = new AvroSerdes(registryUrl).<InboundMessage>anyRecordSerde().serializer();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), serializer)) {
      // The first record registers the schema; the clock starts after it.
      producer.send(new ProducerRecord<>(TOPIC, "warm", message(0))).get();
      AtomicLong failed = new AtomicLong();
      var before = ProcessCpu.sample(processes);
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "acme-motors:conv-" + (i % 1000), message(i)),
            (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
              }
            });
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      var used = ProcessCpu.used(before, ProcessCpu.sample(processes));
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " baseline records failed");
      }
      return new Result(records / seconds, records, used);
    }
  }

  private static InboundMessage message(int i) {
    return InboundMessage.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId("acme-motors")
        .setConversationId("conv-" + (i % 1000))
        .setMessageId(UUID.randomUUID().toString())
        .setUserId("c-1001")
        .setText("How much sales tax will I pay in Texas with a trade-in of 8000 on a 32000 car?")
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.API).setMetadata(Map.of()).build())
        .setReceivedAt(Instant.now())
        .build();
  }
}
