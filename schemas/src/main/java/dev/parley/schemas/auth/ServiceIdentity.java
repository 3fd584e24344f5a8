package dev.parley.schemas.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Who a Parley service is when it calls another one's internal API: a short-lived HS256 token
 * (issuer {@value #ISSUER}, audience {@value #AUDIENCE}, role {@value #ROLE}) signed with the
 * secret the services share ({@code PARLEY_SERVICE_SECRET}).
 *
 * <p>That secret is never the one customers' and staff tokens are signed with, so no user token
 * can pass for a service, and a service token is refused at the public edge.
 */
public final class ServiceIdentity {

  public static final String ISSUER = "parley-services";
  public static final String AUDIENCE = "parley-internal";
  public static final String ROLE = "service";
  public static final String ROLES_CLAIM = "roles";

  private static final Duration LIFETIME = Duration.ofMinutes(5);
  private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);
  /** Clocks of two machines differ a little; a token is accepted this much early or late. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private record Token(String value, Instant expiresAt) {
  }

  private final String service;
  private final SecretKey key;
  private final NimbusJwtEncoder encoder;
  private volatile Token current;

  /**
   * @param service the calling service's name, the subject of its tokens
   * @param secret  the shared service secret, at least 32 bytes
   */
  public ServiceIdentity(String service, String secret) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new IllegalStateException("PARLEY_SERVICE_SECRET (parley.auth.service-secret) must be set to at least 32 bytes:"
          + " internal APIs answer only callers that prove they are a Parley service");
    }
    this.service = service;
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.encoder = NimbusJwtEncoder.withSecretKey(key).algorithm(MacAlgorithm.HS256).build();
  }

  public String service() {
    return service;
  }

  /** A valid token of this service, renewed a minute before it expires. */
  public String token() {
    Token token = current;
    Instant now = Instant.now();
    if (token == null || token.expiresAt().minus(RENEW_BEFORE).isBefore(now)) {
      token = new Token(mint(service, now, LIFETIME), now.plus(LIFETIME));
      current = token;
    }
    return token.value();
  }

  /** A token for a subject, issued at a given time: for this service, and for tests that need an expired one. */
  public String mint(String subject, Instant issuedAt, Duration validFor) {
    JwtClaimsSet claims = JwtClaimsSet.builder()
        .issuer(ISSUER)
        .audience(List.of(AUDIENCE))
        .subject(subject)
        .claim(ROLES_CLAIM, List.of(ROLE))
        .issuedAt(issuedAt)
        .notBefore(issuedAt)
        .expiresAt(issuedAt.plus(validFor))
        .build();
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
  }

  /** Adds this service's bearer token to every request of a WebClient. */
  public ExchangeFilterFunction authenticate() {
    return (request, next) -> next.exchange(ClientRequest.from(request)
        .headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token()))
        .build());
  }

  /**
   * Accepts only tokens of a Parley service: HS256 with the shared secret (no other algorithm),
   * issuer, audience and the service role as above, an expiry, honoured not-before and expiry with
   * {@link #CLOCK_SKEW}.
   */
  public ReactiveJwtDecoder decoder() {
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
    JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
    timestamps.setAllowEmptyExpiryClaim(false);
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(ISSUER),
        new JwtAudienceValidator(AUDIENCE), serviceRole()));
    return decoder;
  }

  private static OAuth2TokenValidator<Jwt> serviceRole() {
    return jwt -> {
      List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
      return roles != null && roles.contains(ROLE) ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "not a Parley service token", null));
    };
  }
}
