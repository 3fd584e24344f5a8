package dev.parley.ingress.audit;

import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.schemas.Topics;
import dev.parley.schemas.audit.ConversationLogReader;
import dev.parley.schemas.audit.LogRecord;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code POST /ai/admin/replay} (admins): re-publishes the tenant's conversation log in a time
 * range into a replay topic of the tenant's, {@code parley.replay.<tenant>.<name>}, for a downstream
 * consumer to re-process (a new analytics job, a CRM that missed a week). Records go out as they
 * are — key, Avro bytes with their schema id, headers, original time — in the log's order, with a
 * {@code parley-replayed-from} header naming where each came from. Never into the pipeline's own
 * topics: a replay cannot make Parley answer a message twice.
 */
@RestController
class ReplayController {

  /** Marks each replayed record with the position it was copied from. */
  static final String REPLAYED_FROM = "parley-replayed-from";

  /** {@code name}: the replay topic's own part; the topic is {@code parley.replay.<tenant>.<name>}. */
  record ReplayRequest(@NotNull(message = "from is required") Instant from, Instant to,
      @NotNull(message = "name is required")
      @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "name must be 1 to 64 lower-case letters, digits, _ or -") String name) {
  }

  record ReplayResult(String topic, Instant from, Instant to, long records) {
  }

  private final ConversationLogReader log;
  private final KafkaAdmin admin;
  private final Map<String, Object> producerConfig;
  private final SecurityAudit audit;
  private final short replicationFactor;
  private final Clock clock = Clock.systemUTC();

  ReplayController(ConversationLogReader log, KafkaAdmin admin, KafkaProperties properties, SecurityAudit audit,
      @Value("${parley.kafka.replication-factor:1}") short replicationFactor) {
    this.log = log;
    this.admin = admin;
    Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
    config.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, dev.parley.schemas.Topic.MAX_REQUEST_BYTES);
    this.producerConfig = Map.copyOf(config);
    this.audit = audit;
    this.replicationFactor = replicationFactor;
  }

  @PostMapping("/ai/admin/replay")
  Mono<ReplayResult> replay(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody ReplayRequest request) {
    Caller caller = Caller.of(jwt);
    ExportController.LogRange range = ExportController.LogRange.of(request.from(), request.to(), null, clock);
    String topic = "parley.replay." + caller.tenantId() + "." + request.name();
    return Mono.fromCallable(() -> {
      audit.done(caller, "log.replay", "conversation log " + range + " into " + topic);
      admin.createOrModifyTopics(new NewTopic(topic, Topics.CONVERSATION_PARTITIONS, replicationFactor)
          .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()),
              TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2 * dev.parley.schemas.Topic.RECORD_LIMIT))));
      long copied = 0;
      java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
      try (Stream<LogRecord> records = log.read(caller.tenantId(), range.from(), range.to(), null);
           KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (LogRecord record : (Iterable<LogRecord>) records::iterator) {
          RecordHeaders headers = new RecordHeaders(record.headers().toArray());
          headers.add(REPLAYED_FROM, record.position().toString().getBytes(StandardCharsets.UTF_8));
          producer.send(new ProducerRecord<>(topic, null, record.timestamp().toEpochMilli(),
              record.key().getBytes(StandardCharsets.UTF_8), record.value(), headers), (written, error) -> {
                if (error != null) {
                  failed.compareAndSet(null, error);
                }
              });
          copied++;
        }
        producer.flush();
      }
      if (failed.get() != null) {
        throw new org.springframework.web.server.ResponseStatusException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE,
            "the replay could not write every record (" + failed.get().getClass().getSimpleName() + "); replay the range again", failed.get());
      }
      return new ReplayResult(topic, range.from(), range.to(), copied);
    }).subscribeOn(Schedulers.boundedElastic());
  }
}
