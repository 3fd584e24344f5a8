package dev.parley.ingress.security;

import org.springframework.security.oauth2.jwt.Jwt;

/** Who is calling: the tenant and user named by the bearer token. */
public record Caller(String tenantId, String userId) {

  public static final String TENANT_CLAIM = "tenant";

  public static Caller of(Jwt jwt) {
    return new Caller(jwt.getClaimAsString(TENANT_CLAIM), jwt.getSubject());
  }
}
