package dev.parley.schemas.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link AiMeters} on the service's registry; a service imports it on its application class. */
@Configuration(proxyBeanMethods = false)
public class AiMetersConfiguration {

  @Bean
  AiMeters aiMeters(MeterRegistry registry) {
    return new AiMeters(registry);
  }
}
