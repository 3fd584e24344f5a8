package dev.parley.llm;

import dev.parley.schemas.metrics.AiMetersConfiguration;
import dev.parley.schemas.auth.InternalApiConfiguration;
import dev.parley.schemas.health.WorkersConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * llm-service: answers enriched turns. Retrieves the tenant's knowledge, asks the configured
 * language model (or the offline model), streams reply chunks and publishes the reply.
 */
@SpringBootApplication
// Its HTTP API answers only Parley's services; its background workers report to its health.
@Import({InternalApiConfiguration.class, WorkersConfiguration.class, AiMetersConfiguration.class})
@org.springframework.boot.context.properties.EnableConfigurationProperties(dev.parley.llm.tenant.TenantSettings.class)
public class LlmApplication {

  public static void main(String[] args) {
    SpringApplication.run(LlmApplication.class, args);
  }
}
