package dev.parley.context.analytics;

import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.GroupMembership;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The analytics application, on unless {@code parley.analytics.enabled} is false (settings in application.yml). */
@Configuration
@ConditionalOnProperty(name = "parley.analytics.enabled", havingValue = "true", matchIfMissing = true)
class AnalyticsConfiguration {

  @Bean
  AnalyticsStreams analyticsStreams(KafkaProperties properties, AvroSerdes serdes, MeterRegistry meters, Workers workers,
      @Value("${parley.analytics.application-id}") String applicationId,
      @Value("${parley.analytics.commit-interval}") Duration commitInterval,
      @Value("${parley.instance-id:}") String instanceId) {
    Map<String, Object> config = new HashMap<>(properties.buildStreamsProperties());
    config.putAll(GroupMembership.staticMember(instanceId, "analytics"));
    return new AnalyticsStreams(config, applicationId, commitInterval, serdes, meters, workers);
  }
}
