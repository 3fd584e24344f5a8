package dev.parley.schemas;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Avro serdes backed by the Apicurio schema registry, configured once from the registry URL.
 * Immutable: a service builds one and hands out serdes per topic.
 *
 * <p>The schema id travels in the payload (not in headers) so that any consumer, including Kafka
 * Streams state stores, which serialize without headers, reads the same bytes.
 */
public final class AvroSerdes implements ValueSerdes {

  private final Map<String, Object> config;

  public AvroSerdes(String registryUrl) {
    this.config = Map.copyOf(properties(registryUrl));
  }

  /**
   * Client properties for the Apicurio Avro serdes, for services that configure serializers
   * by class name (spring-kafka producers and consumers).
   */
  public static Map<String, Object> properties(String registryUrl) {
    return Map.of(
        SerdeConfig.REGISTRY_URL, registryUrl,
        SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
        SerdeConfig.ENABLE_HEADERS, false,
        AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
  }

  @Override
  public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
    return anyRecordSerde();
  }

  /**
   * A serde for any Parley record: the writer schema comes from the record, the reader class from
   * the registered schema's name. For producers and consumers that handle several record types.
   */
  public <V extends SpecificRecord> Serde<V> anyRecordSerde() {
    // Apicurio's serdes, with their per-record schema work done once (see each class).
    AvroKafkaSerializer<V> serializer = new CachingAvroSerializer<>(false);
    AvroKafkaDeserializer<V> deserializer = new CachingAvroDeserializer<>();
    serializer.configure(config, false);
    deserializer.configure(config, false);
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
