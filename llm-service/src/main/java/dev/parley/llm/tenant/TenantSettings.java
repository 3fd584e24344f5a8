package dev.parley.llm.tenant;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Per-tenant settings of the assistant ({@code parley.tenants.<tenant id>}): its persona and the
 * tools it may use. A tenant without settings gets a neutral persona and every tool.
 */
@ConfigurationProperties("parley")
public class TenantSettings {

  /** One tenant's assistant. */
  public record Tenant(String persona, List<String> tools) {
  }

  private Map<String, Tenant> tenants = Map.of();

  public Map<String, Tenant> getTenants() {
    return tenants;
  }

  public void setTenants(Map<String, Tenant> tenants) {
    this.tenants = tenants == null ? Map.of() : tenants;
  }

  public String persona(String tenantId) {
    Tenant tenant = tenants.get(tenantId);
    return tenant != null && tenant.persona() != null ? tenant.persona()
        : "You are Parley, a helpful and honest sales assistant for " + tenantId + ".";
  }

  /** Whether the tenant may use a tool; no list means every tool. */
  public boolean toolEnabled(String tenantId, String tool) {
    Tenant tenant = tenants.get(tenantId);
    return tenant == null || tenant.tools() == null || tenant.tools().contains(tool);
  }
}
