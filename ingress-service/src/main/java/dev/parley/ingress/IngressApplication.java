package dev.parley.ingress;

import dev.parley.schemas.metrics.AiMetersConfiguration;
import dev.parley.schemas.health.WorkersConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * ingress-service: Parley's public edge. Accepts chat messages over HTTP (authenticated,
 * validated, per tenant), publishes them as inbound-message events, and streams reply chunks and
 * replies back to the clients waiting for them. It keeps no conversation state of its own.
 */
@SpringBootApplication
@EnableScheduling
// its background workers report to its health; its meters are Parley's own (AiMeters)
@Import({WorkersConfiguration.class, AiMetersConfiguration.class})
@org.springframework.boot.context.properties.EnableConfigurationProperties(dev.parley.ingress.whatsapp.WazzupChannels.class)
public class IngressApplication {

  public static void main(String[] args) {
    SpringApplication.run(IngressApplication.class, args);
  }
}
