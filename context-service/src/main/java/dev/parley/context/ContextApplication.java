package dev.parley.context;

import dev.parley.schemas.metrics.AiMetersConfiguration;
import dev.parley.schemas.auth.InternalApiConfiguration;
import dev.parley.schemas.health.WorkersConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * context-service: the conversation's memory. Reads inbound messages, replies and the CRM
 * reference topics; writes turns, enriched turns and conversation state. All state lives in
 * Kafka Streams stores (changelogged), so the service can be restarted or moved freely.
 */
@SpringBootApplication
// Its HTTP API answers only Parley's services; its background workers report to its health.
@Import({InternalApiConfiguration.class, WorkersConfiguration.class, AiMetersConfiguration.class})
public class ContextApplication {

  public static void main(String[] args) {
    SpringApplication.run(ContextApplication.class, args);
  }
}
