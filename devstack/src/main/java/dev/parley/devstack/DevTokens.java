package dev.parley.devstack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Mints the HS256 bearer tokens ingress-service accepts, for the local run and the tests. */
public final class DevTokens {

  private final NimbusJwtEncoder encoder;

  public DevTokens(String secret) {
    encoder = NimbusJwtEncoder.withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
        .algorithm(MacAlgorithm.HS256).build();
  }

  public String mint(String tenantId, String userId, Duration validFor) {
    return mint(tenantId, userId, Instant.now(), validFor);
  }

  /** A token for a human agent of the tenant (role {@code agent}). */
  public String mintAgent(String tenantId, String userId, Duration validFor) {
    return mint(tenantId, userId, Instant.now(), validFor, java.util.List.of("agent"));
  }

  /** A token of a tenant's admin, who may manage the tenant's webhooks. */
  public String mintAdmin(String tenantId, String userId, Duration validFor) {
    return mint(tenantId, userId, Instant.now(), validFor, java.util.List.of("admin"));
  }

  /** A token with the given roles ("agent", "admin"). */
  public String mintWithRoles(String tenantId, String userId, Duration validFor, String... roles) {
    return mint(tenantId, userId, Instant.now(), validFor, java.util.List.of(roles));
  }

  /** A token issued at a given time: tests use one issued in the past to get an expired token. */
  public String mint(String tenantId, String userId, Instant now, Duration validFor) {
    return mint(tenantId, userId, now, validFor, java.util.List.of());
  }

  private String mint(String tenantId, String userId, Instant now, Duration validFor, java.util.List<String> roles) {
    JwtClaimsSet claims = JwtClaimsSet.builder()
        .issuer("parley-devstack")
        .subject(userId)
        .claim("tenant", tenantId)
        .claim("roles", roles)
        .issuedAt(now)
        .expiresAt(now.plus(validFor))
        .build();
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
  }
}
