package dev.parley.delivery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.stereotype.Component;

/**
 * DOWN, naming the listener, when a Kafka listener container is not in the state it should be (it
 * stopped on an error it could not handle): nothing more would be delivered, so the service is not
 * alive and should be restarted. In the liveness group.
 */
@Component("listeners")
class ListenersHealth implements HealthIndicator {

  private final KafkaListenerEndpointRegistry listeners;

  ListenersHealth(KafkaListenerEndpointRegistry listeners) {
    this.listeners = listeners;
  }

  @Override
  public Health health() {
    Health.Builder health = Health.up();
    for (var container : listeners.getListenerContainers()) {
      boolean fine = container.isInExpectedState();
      if (!fine) {
        health.down();
      }
      health.withDetail(container.getListenerId(), fine ? (container.isRunning() ? "RUNNING" : "STARTING") : "STOPPED");
    }
    return health.build();
  }
}
