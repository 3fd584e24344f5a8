package dev.parley.ingress;

import io.micrometer.core.instrument.MeterRegistry;
import dev.parley.schemas.AvroKafkaTemplates;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.SchemaRegistrySetup;
import dev.parley.schemas.Topics;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** Topics, schemas and the Avro producer of the inbound messages. */
@Configuration
class KafkaConfiguration {

  @Bean
  KafkaAdmin.NewTopics parleyTopics(@Value("${parley.kafka.replication-factor:1}") short replicationFactor) {
    return new KafkaAdmin.NewTopics(Topics.newTopics(replicationFactor));
  }

  @Bean
  AvroSerdes avroSerdes(@Value("${parley.registry.url}") String registryUrl) {
    new SchemaRegistrySetup(registryUrl).ensure(List.of(Topics.INBOUND_MESSAGES, Topics.CONVERSATION_COMMANDS, Topics.KNOWLEDGE_DOCUMENTS,
        Topics.SECURITY_AUDIT, Topics.ALERT_RULES));
    return new AvroSerdes(registryUrl);
  }

  @Bean
  KafkaTemplate<String, SpecificRecord> kafkaTemplate(KafkaProperties properties, AvroSerdes serdes, MeterRegistry meters) {
    return AvroKafkaTemplates.create(properties.buildProducerProperties(), serdes, meters);
  }
}
