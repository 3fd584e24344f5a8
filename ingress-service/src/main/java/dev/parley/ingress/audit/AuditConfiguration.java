package dev.parley.ingress.audit;

import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.audit.ConversationLogReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The conversation log as admins export and replay it. */
@Configuration
class AuditConfiguration {

  @Bean
  ConversationLogReader conversationLogReader(KafkaProperties properties) {
    return new ConversationLogReader(properties.buildConsumerProperties());
  }

  /** Decodes any record of the log (the registry's serde: the schema id is in the bytes). */
  @Bean
  LogDecoder logDecoder(AvroSerdes serdes) {
    Deserializer<SpecificRecord> deserializer = serdes.<SpecificRecord>anyRecordSerde().deserializer();
    return (topic, bytes) -> (IndexedRecord) deserializer.deserialize(topic, bytes);
  }

  /** A record's value bytes as its Avro record. */
  @FunctionalInterface
  interface LogDecoder {
    IndexedRecord decode(String topic, byte[] value);
  }
}
