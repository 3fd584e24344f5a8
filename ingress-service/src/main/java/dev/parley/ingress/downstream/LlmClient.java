package dev.parley.ingress.downstream;

import dev.parley.schemas.auth.ServiceIdentity;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** llm-service's internal API as ingress uses it: the tenant's knowledge-base search. */
@Component
public class LlmClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final WebClient http;

  LlmClient(WebClient.Builder builder, ServiceIdentity identity, @Value("${parley.llm.url}") String url) {
    this.http = Downstream.client(builder, identity, url);
  }

  public Mono<JsonNode> searchKnowledge(String tenantId, Object request) {
    return Downstream.read(http.post().uri("/internal/tenants/{tenant}/knowledge/search", tenantId)
        .bodyValue(request).retrieve().bodyToMono(JsonNode.class), TIMEOUT, "knowledge search is");
  }
}
