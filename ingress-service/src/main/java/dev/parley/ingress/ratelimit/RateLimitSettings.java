package dev.parley.ingress.ratelimit;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many messages may be sent ({@code parley.rate-limits.*}). The defaults are the seed
 * documents': 100 messages an hour and a burst of 10 a minute per user (a WhatsApp number counts as
 * a user), 1,000 messages an hour per tenant. A tenant may set its own under {@code tenants.<id>};
 * what it leaves out keeps the default.
 *
 * @param enabled  false turns limiting off (a benchmark's own stack, say)
 * @param defaults every tenant's limits unless it sets its own
 * @param tenants  per-tenant limits
 */
@ConfigurationProperties("parley.rate-limits")
public record RateLimitSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Limits defaults,
    Map<String, Limits> tenants) {

  /** One tenant's limits; null means "the default". */
  public record Limits(Integer perUserPerMinute, Integer perUserPerHour, Integer perTenantPerHour) {
  }

  public RateLimitSettings {
    defaults = new Limits(
        defaults.perUserPerMinute() != null ? defaults.perUserPerMinute() : 10,
        defaults.perUserPerHour() != null ? defaults.perUserPerHour() : 100,
        defaults.perTenantPerHour() != null ? defaults.perTenantPerHour() : 1_000);
    tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
  }

  /** The tenant's limits, each one its own or the default. */
  public Limits of(String tenantId) {
    Limits own = tenants.get(tenantId);
    if (own == null) {
      return defaults;
    }
    return new Limits(
        own.perUserPerMinute() != null ? own.perUserPerMinute() : defaults.perUserPerMinute(),
        own.perUserPerHour() != null ? own.perUserPerHour() : defaults.perUserPerHour(),
        own.perTenantPerHour() != null ? own.perTenantPerHour() : defaults.perTenantPerHour());
  }
}
