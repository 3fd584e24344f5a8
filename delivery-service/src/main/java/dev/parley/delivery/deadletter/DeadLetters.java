package dev.parley.delivery.deadletter;

import dev.parley.events.DeadLetter;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the other services' dead letters re-drivable: indexes every record of
 * {@code parley.dead-letters} (but delivery-service's own, which its failed-delivery ledger keeps)
 * and publishes a dead letter's original bytes to its source topic again on request, with the
 * header {@value dev.parley.schemas.DeadLetters#REDRIVE_HEADER} naming the dead letter (llm-service
 * answers a re-driven turn anew). A dead letter is re-driven once; a failure of the re-driven record
 * is a dead letter of its own.
 */
@Component
class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final String OWN_SERVICE = "delivery-service";

  /** What came of a re-drive request. */
  enum Redrive { REDRIVEN, NOT_FOUND, ALREADY_REDRIVEN, NO_PAYLOAD }

  private final DeadLetterIndex index;
  private final KafkaTemplate<String, byte[]> raw;

  DeadLetters(ConnectionFactory connections, KafkaProperties properties) {
    DatabaseClient db = DatabaseClient.create(connections);
    DeadLetterIndex.createSchema(db).block(Duration.ofSeconds(30));
    this.index = new DeadLetterIndex(db);
    // The payload is the record's bytes as they were read: published again unchanged.
    this.raw = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(properties.buildProducerProperties(),
        new StringSerializer(), new ByteArraySerializer()));
  }

  @KafkaListener(id = "dead-letter-index", topics = "parley.dead-letters", groupId = "parley-delivery-dead-letters")
  void index(ConsumerRecord<String, SpecificRecord> record) {
    if (record.value() instanceof DeadLetter letter && !OWN_SERVICE.equals(letter.getService())) {
      index.keep(letter);
    }
  }

  List<DeadLetterIndex.Entry> of(String tenantId, boolean includeRedriven) {
    return index.list(tenantId, includeRedriven, 200);
  }

  /** Re-drives a dead letter of the tenant (any tenant's for null). */
  Redrive redrive(String id, String tenantId) {
    Optional<DeadLetterIndex.Entry> found = index.find(id).filter(entry -> tenantId == null || tenantId.equals(entry.tenantId()));
    if (found.isEmpty()) {
      return Redrive.NOT_FOUND;
    }
    DeadLetterIndex.Entry entry = found.get();
    if (entry.payload() == null) {
      return Redrive.NO_PAYLOAD;
    }
    if (!index.claim(id)) {
      return Redrive.ALREADY_REDRIVEN;
    }
    try {
      ProducerRecord<String, byte[]> again = new ProducerRecord<>(entry.sourceTopic(), entry.key(), entry.payload());
      again.headers().add(dev.parley.schemas.DeadLetters.REDRIVE_HEADER, id.getBytes(StandardCharsets.UTF_8));
      raw.send(again).join();
      log.info("re-drove dead letter {} of {} to {}", id, entry.service(), entry.sourceTopic());
      return Redrive.REDRIVEN;
    } catch (RuntimeException e) {
      index.release(id);
      throw e;
    }
  }
}
