package dev.parley.schemas;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;

/**
 * A service's producer of Parley records, made one way in every service: keys as strings, values
 * by {@link AvroSerdes#anyRecordSerde()}, the producer's own metrics on the service's registry, and
 * each record carrying the current trace (W3C {@code traceparent} header). Kept apart from
 * {@link AvroSerdes}, which plain Kafka clients without Spring use too.
 */
public final class AvroKafkaTemplates {

  private AvroKafkaTemplates() {
  }

  /** @param producerConfig the service's producer settings ({@code spring.kafka.producer}) */
  public static KafkaTemplate<String, SpecificRecord> create(Map<String, Object> producerConfig, AvroSerdes serdes,
      MeterRegistry meters) {
    var producers = new DefaultKafkaProducerFactory<>(producerConfig, new StringSerializer(),
        serdes.<SpecificRecord>anyRecordSerde().serializer(), false);
    producers.addListener(new MicrometerProducerListener<>(meters));
    KafkaTemplate<String, SpecificRecord> template = new KafkaTemplate<>(producers);
    template.setObservationEnabled(true);
    return template;
  }
}
