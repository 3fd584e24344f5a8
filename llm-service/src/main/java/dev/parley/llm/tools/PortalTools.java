package dev.parley.llm.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.databind.JsonNode;

/**
 * Tools for client-portal tenants: a customer's account status and an analytics overview, read
 * from context-service's query API (the conversation and profile stores). Enabled per tenant.
 */
public final class PortalTools {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final WebClient context;
  private final String tenantId;

  public PortalTools(WebClient context, String tenantId) {
    this.context = context;
    this.tenantId = tenantId;
  }

  @Tool("A customer's account status: sessions, lead temperature, preferences and last activity")
  public Object accountStatus(@P("the customer's CRM id") String customerId) {
    try {
      return context.get().uri("/internal/tenants/{t}/customers/{c}/profile", tenantId, customerId)
          .retrieve().bodyToMono(JsonNode.class).block(TIMEOUT);
    } catch (WebClientResponseException.NotFound e) {
      return Map.of("error", "no account activity for " + customerId);
    }
  }

  @Tool("Analytics overview of the assistant: conversations by status and hot leads")
  public Map<String, Integer> analyticsOverview() {
    Map<String, Integer> overview = new LinkedHashMap<>();
    for (String status : new String[] {"ACTIVE", "ESCALATED", "CLOSED"}) {
      overview.put(status.toLowerCase() + "Conversations", total("/internal/tenants/{t}/conversations?status=" + status + "&limit=1"));
    }
    overview.put("hotLeads", total("/internal/tenants/{t}/leads?temperature=HOT&limit=1"));
    return overview;
  }

  private int total(String uri) {
    JsonNode page = context.get().uri(uri, tenantId).retrieve().bodyToMono(JsonNode.class).block(TIMEOUT);
    return page == null ? 0 : page.get("total").asInt();
  }
}
