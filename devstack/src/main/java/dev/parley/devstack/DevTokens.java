package dev.parley.devstack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Mints the HS256 bearer tokens ingress-service accepts, for the local run and the tests: issuer
 * {@value #ISSUER}, audience {@value #AUDIENCE} (ingress-service's defaults), the tenant, the
 * subject and the roles. A token without a staff role is a customer's, whose subject is the
 * customer.
 */
public final class DevTokens {

  public static final String ISSUER = "parley";
  public static final String AUDIENCE = "parley-api";

  private final NimbusJwtEncoder encoder;

  public DevTokens(String secret) {
    encoder = NimbusJwtEncoder.withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
        .algorithm(MacAlgorithm.HS256).build();
  }

  /** A customer's token: the subject is the customer (their CRM id, when they have one). */
  public String mint(String tenantId, String customerId, Duration validFor) {
    return mint(tenantId, customerId, Instant.now(), validFor);
  }

  /** A token of the tenant's sales or support staff (role {@code agent}). */
  public String mintAgent(String tenantId, String userId, Duration validFor) {
    return mintWithRoles(tenantId, userId, validFor, "agent");
  }

  /** A token of the tenant's administrator (role {@code admin}, which can do all an agent can). */
  public String mintAdmin(String tenantId, String userId, Duration validFor) {
    return mintWithRoles(tenantId, userId, validFor, "admin");
  }

  /** A token with the given roles ("customer", "agent", "admin"). */
  public String mintWithRoles(String tenantId, String userId, Duration validFor, String... roles) {
    Instant now = Instant.now();
    return mint(claims -> claims.subject(userId).claim("tenant", tenantId).claim("roles", List.of(roles))
        .issuedAt(now).expiresAt(now.plus(validFor)));
  }

  /** A customer's token issued at a given time: tests use one issued in the past to get an expired token. */
  public String mint(String tenantId, String customerId, Instant now, Duration validFor) {
    return mint(claims -> claims.subject(customerId).claim("tenant", tenantId).claim("roles", List.of("customer"))
        .issuedAt(now).expiresAt(now.plus(validFor)));
  }

  /**
   * A token with the standard issuer and audience and whatever else the caller sets: tests of what
   * ingress refuses (no expiry, a future not-before, another issuer or audience) start from this.
   */
  public String mint(Consumer<JwtClaimsSet.Builder> claims) {
    JwtClaimsSet.Builder builder = JwtClaimsSet.builder().issuer(ISSUER).audience(List.of(AUDIENCE));
    claims.accept(builder);
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), builder.build())).getTokenValue();
  }
}
