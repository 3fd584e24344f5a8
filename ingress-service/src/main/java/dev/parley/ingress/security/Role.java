package dev.parley.ingress.security;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a token's holder is to the tenant, from the token's {@value #CLAIM} claim: the tenant's
 * administrator, a member of its sales or support staff, or one of its customers. A token that
 * names no staff role is a customer's: the least privileged role is the default.
 */
public enum Role {
  CUSTOMER, AGENT, ADMIN;

  public static final String CLAIM = "roles";

  /** The spring-security authority of each role. An admin can do everything an agent can. */
  public List<GrantedAuthority> authorities() {
    return switch (this) {
      case CUSTOMER -> List.of(authority(CUSTOMER));
      case AGENT -> List.of(authority(AGENT));
      case ADMIN -> List.of(authority(ADMIN), authority(AGENT));
    };
  }

  public static Role of(Jwt jwt) {
    List<String> roles = jwt.getClaimAsStringList(CLAIM);
    if (roles == null) {
      return CUSTOMER;
    }
    List<String> named = roles.stream().map(role -> role.toLowerCase(Locale.ROOT)).toList();
    return named.contains("admin") ? ADMIN : named.contains("agent") ? AGENT : CUSTOMER;
  }

  public String claimValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static GrantedAuthority authority(Role role) {
    return new SimpleGrantedAuthority("ROLE_" + role.name());
  }
}
