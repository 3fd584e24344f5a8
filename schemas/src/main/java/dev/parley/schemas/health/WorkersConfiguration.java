package dev.parley.schemas.health;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A service's {@link Workers} and their two health indicators: {@code workers} (alive: in the
 * liveness group) and {@code workersReady} (in the readiness group). Imported by every service.
 */
@Configuration(proxyBeanMethods = false)
public class WorkersConfiguration {

  @Bean
  Workers workers() {
    return new Workers();
  }

  @Bean
  HealthIndicator workersHealthIndicator(Workers workers) {
    return WorkersHealth.alive(workers);
  }

  @Bean
  HealthIndicator workersReadyHealthIndicator(Workers workers) {
    return WorkersHealth.ready(workers);
  }
}
