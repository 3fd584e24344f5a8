package dev.parley.delivery;

import dev.parley.schemas.metrics.AiMetersConfiguration;
import dev.parley.schemas.auth.InternalApiConfiguration;
import dev.parley.schemas.health.WorkersConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * delivery-service: takes replies to the channels that need an outbound call and records every
 * outcome as a delivery receipt.
 */
@SpringBootApplication
// Its HTTP API answers only Parley's services; its background workers report to its health.
@Import({InternalApiConfiguration.class, WorkersConfiguration.class, AiMetersConfiguration.class})
public class DeliveryApplication {

  public static void main(String[] args) {
    SpringApplication.run(DeliveryApplication.class, args);
  }
}
