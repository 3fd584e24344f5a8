package dev.parley.context.transcript;

import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.GroupMembership;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The transcript index and its reader, on unless {@code parley.transcripts.enabled} is false (settings in application.yml). */
@Configuration
@ConditionalOnProperty(name = "parley.transcripts.enabled", havingValue = "true", matchIfMissing = true)
class TranscriptConfiguration {

  @Bean
  TranscriptStreams transcriptStreams(KafkaProperties properties, MeterRegistry meters, Workers workers,
      @Value("${parley.transcripts.application-id}") String applicationId,
      @Value("${parley.transcripts.commit-interval}") Duration commitInterval,
      @Value("${parley.instance-id:}") String instanceId) {
    Map<String, Object> config = new HashMap<>(properties.buildStreamsProperties());
    config.putAll(GroupMembership.staticMember(instanceId, "transcripts"));
    return new TranscriptStreams(config, applicationId, commitInterval, meters, workers);
  }

  @Bean
  TranscriptReader transcriptReader(KafkaProperties properties, AvroSerdes serdes,
      @Value("${parley.transcripts.read-timeout}") Duration timeout) {
    return new TranscriptReader(properties.buildConsumerProperties(), serdes.<org.apache.avro.specific.SpecificRecord>anyRecordSerde()
        .deserializer()::deserialize, timeout);
  }
}
