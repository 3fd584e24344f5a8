package dev.parley.ingress.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * What a user's token must be for ingress to accept it (SecurityConfiguration#userTokens): signed
 * with the pinned algorithm, from the configured issuer for the configured audience, with an expiry,
 * inside its not-before/expiry window give or take the clock skew, naming a subject and a tenant.
 */
class UserTokenValidationTest {

  private static final String SECRET = "a-test-secret-of-more-than-32-bytes-for-hs256";
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final SecurityConfiguration.TokenSettings HMAC =
      new SecurityConfiguration.TokenSettings(SECRET, "", "parley", "parley-api", SKEW);

  private final ReactiveJwtDecoder decoder = new SecurityConfiguration().userTokens(HMAC);

  @Test
  void shouldAcceptTokenWithIssuerAudienceExpiryTenantAndSubject() {
    Jwt jwt = decoder.decode(hs256(claims -> { })).block();

    assertThat(jwt.getClaimAsString("tenant")).isEqualTo("acme-motors");
    assertThat(Caller.of(jwt)).isEqualTo(new Caller("acme-motors", "c-1001", Role.CUSTOMER, "c-1001"));
  }

  @Test
  void shouldRefuseTokenWithoutExpiry() {
    assertRefused(hs256(claims -> claims.expirationTime(null)));
  }

  @Test
  void shouldRefuseExpiredTokenButAcceptOneExpiredWithinTheClockSkew() {
    Date anHourAgo = Date.from(Instant.now().minusSeconds(3600));
    assertRefused(hs256(claims -> claims.issueTime(anHourAgo).expirationTime(Date.from(Instant.now().minusSeconds(60)))));
    assertThat(decoder.decode(hs256(claims -> claims.issueTime(anHourAgo).expirationTime(Date.from(Instant.now().minusSeconds(10)))))
        .block()).isNotNull();
  }

  @Test
  void shouldRefuseTokenNotYetValidButAcceptOneStartingWithinTheClockSkew() {
    assertRefused(hs256(claims -> claims.notBeforeTime(Date.from(Instant.now().plusSeconds(120)))));
    assertThat(decoder.decode(hs256(claims -> claims.notBeforeTime(Date.from(Instant.now().plusSeconds(10))))).block())
        .isNotNull();
  }

  @Test
  void shouldRefuseTokenOfAnotherIssuerOrAudience() {
    assertRefused(hs256(claims -> claims.issuer("someone-else")));
    assertRefused(hs256(claims -> claims.audience("another-api")));
    assertRefused(hs256(claims -> claims.audience((String) null)));
  }

  @Test
  void shouldRefuseTokenWithoutWellFormedTenantOrSubject() {
    assertRefused(hs256(claims -> claims.claim("tenant", null)));
    assertRefused(hs256(claims -> claims.claim("tenant", "Acme:Motors")));
    assertRefused(hs256(claims -> claims.subject(null)));
  }

  @Test
  void shouldRefuseOtherAlgorithmsThanThePinnedOne() throws Exception {
    SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims(c -> { }));
    hs512.sign(new MACSigner((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)));
    assertRefused(hs512.serialize());
    assertRefused(new PlainJWT(claims(c -> { })).serialize());
  }

  @Test
  void shouldRefuseTokenSignedWithAnotherSecret() throws Exception {
    SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(c -> { }));
    forged.sign(new MACSigner("another-secret-of-more-than-32-bytes-forged".getBytes(StandardCharsets.UTF_8)));
    assertRefused(forged.serialize());
  }

  @Test
  void shouldValidateIdentityProviderTokensAgainstItsKeySetWithTheSameRules() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/jwks", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    jwks.start();
    try {
      ReactiveJwtDecoder idp = new SecurityConfiguration().userTokens(new SecurityConfiguration.TokenSettings("",
          "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks", "parley", "parley-api", SKEW));

      assertThat(idp.decode(rs256(key, c -> c.claim("roles", List.of("agent")))).map(Caller::of).block())
          .isEqualTo(new Caller("acme-motors", "c-1001", Role.AGENT, null));
      assertThatThrownBy(() -> idp.decode(rs256(key, c -> c.claim("tenant", null))).block()).isInstanceOf(JwtException.class);
      assertThatThrownBy(() -> idp.decode(rs256(key, c -> c.issuer("elsewhere"))).block()).isInstanceOf(JwtException.class);
      assertThatThrownBy(() -> idp.decode(hs256(c -> { })).block()).as("no HS256 when the provider's keys are RS256")
          .isInstanceOf(JwtException.class);
    } finally {
      jwks.stop(0);
    }
  }

  @Test
  void shouldRefuseToStartWithoutExactlyOneWayToCheckTokens() {
    assertThatThrownBy(() -> new SecurityConfiguration().userTokens(new SecurityConfiguration.TokenSettings("", "", "parley", "parley-api", SKEW)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new SecurityConfiguration().userTokens(new SecurityConfiguration.TokenSettings("short", "", "parley", "parley-api", SKEW)))
        .isInstanceOf(IllegalStateException.class);
  }

  private void assertRefused(String token) {
    assertThatThrownBy(() -> decoder.decode(token).block()).isInstanceOf(JwtException.class);
  }

  private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer("parley").audience("parley-api").subject("c-1001").claim("tenant", "acme-motors")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    change.accept(claims);
    return claims.build();
  }

  private static String hs256(Consumer<JWTClaimsSet.Builder> change) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(change));
      jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rs256(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        claims(change));
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
