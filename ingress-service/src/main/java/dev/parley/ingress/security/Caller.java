package dev.parley.ingress.security;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is calling, all from the verified bearer token: the tenant, the user (the subject), the role,
 * and for a customer the CRM customer they are (claim {@value #CUSTOMER_CLAIM}, else the subject).
 * Nothing that selects data is ever taken from a request body instead.
 */
public record Caller(String tenantId, String userId, Role role, String customerId) {

  public static final String TENANT_CLAIM = "tenant";
  public static final String CUSTOMER_CLAIM = "customer_id";

  public static Caller of(Jwt jwt) {
    Role role = Role.of(jwt);
    String customer = jwt.getClaimAsString(CUSTOMER_CLAIM);
    return new Caller(jwt.getClaimAsString(TENANT_CLAIM), jwt.getSubject(), role,
        role == Role.CUSTOMER ? (customer != null && !customer.isBlank() ? customer : jwt.getSubject()) : null);
  }

  /** Staff (agents and admins) see and act on every conversation of their tenant. */
  public boolean isStaff() {
    return role != Role.CUSTOMER;
  }

  public boolean isCustomer() {
    return role == Role.CUSTOMER;
  }
}
