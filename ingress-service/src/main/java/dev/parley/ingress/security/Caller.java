package dev.parley.ingress.security;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ResponseStatusException;

/** Who is calling: the tenant and user named by the bearer token. */
public record Caller(String tenantId, String userId) {

  public static final String TENANT_CLAIM = "tenant";
  public static final String ROLES_CLAIM = "roles";

  public static Caller of(Jwt jwt) {
    return new Caller(jwt.getClaimAsString(TENANT_CLAIM), jwt.getSubject());
  }

  /** The caller, if the token has the role ("agent", "admin"); otherwise 403 saying what it is for. */
  public static Caller withRole(Jwt jwt, String role, String neededFor) {
    List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
    if (roles == null || !roles.contains(role)) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "only a token with the '" + role + "' role can " + neededFor);
    }
    return of(jwt);
  }
}
