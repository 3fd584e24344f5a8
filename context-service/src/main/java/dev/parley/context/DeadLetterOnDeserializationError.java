package dev.parley.context;

import dev.parley.events.DeadLetter;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record Streams cannot decode becomes a {@link DeadLetter} with the reason and the original
 * bytes, written in the same transaction, and processing goes on: one bad record never stops a
 * partition, and nothing is dropped silently.
 */
public class DeadLetterOnDeserializationError implements DeserializationExceptionHandler {

  /** Streams property holding the registry URL; set in application.yml from parley.registry.url. */
  public static final String REGISTRY_URL = "parley.registry.url";

  private Serializer<DeadLetter> serializer;
  /** Kafka Streams makes this handler, not Spring: its counts go to the global registry, which Spring Boot's joins. */
  private final AiMeters meters = new AiMeters(Metrics.globalRegistry);

  @Override
  public void configure(Map<String, ?> configs) {
    serializer = new AvroSerdes((String) configs.get(REGISTRY_URL)).valueSerde(Topics.DEAD_LETTERS).serializer();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    meters.error(AiMeters.ErrorType.UNDECODABLE_RECORD);
    DeadLetter letter = DeadLetters.of("context-service", record.topic(), record.partition(), record.offset(),
        record.key(), record.value(), exception);
    byte[] value = serializer.serialize(Topics.DEAD_LETTERS.name(), letter);
    return Response.resume(List.of(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), record.key(), value)));
  }
}
