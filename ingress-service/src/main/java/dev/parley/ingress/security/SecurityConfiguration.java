package dev.parley.ingress.security;

import dev.parley.schemas.Keys;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Every /ai endpoint needs a JWT bearer token naming the tenant (claim {@value Caller#TENANT_CLAIM})
 * and the user (subject). Tokens are HS256-signed with {@code parley.auth.jwt-secret}; without it,
 * Spring Boot's standard resource-server settings (issuer or JWK set URI) apply instead.
 */
@Configuration
class SecurityConfiguration {

  @Bean
  SecurityWebFilterChain security(ServerHttpSecurity http, ProblemAuthenticationEntryPoint problems) {
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers(HttpMethod.GET, "/actuator/health/**", "/actuator/info").permitAll()
            // Providers authenticate their webhooks by signature, checked by the webhook handlers.
            .pathMatchers(HttpMethod.POST, "/webhooks/**").permitAll()
            .anyExchange().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> { }).authenticationEntryPoint(problems)
            .bearerTokenConverter(bearerTokens()))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems))
        .build();
  }

  /**
   * Bearer tokens from the Authorization header, or from {@code access_token} in the query of a
   * GET (browsers cannot set headers on a WebSocket handshake).
   */
  private static org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter bearerTokens() {
    var converter = new org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter();
    converter.setAllowUriQueryParameter(true);
    return converter;
  }

  @Bean
  @ConditionalOnExpression("!'${parley.auth.jwt-secret:}'.isBlank()")
  ReactiveJwtDecoder hmacJwtDecoder(@Value("${parley.auth.jwt-secret}") String secret) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < 32) {
      throw new IllegalStateException("parley.auth.jwt-secret must be at least 32 bytes for HS256");
    }
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
        .withSecretKey(new SecretKeySpec(key, "HmacSHA256")).macAlgorithm(MacAlgorithm.HS256).build();
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(), tenantClaim()));
    return decoder;
  }

  /** A token without a well-formed tenant claim is not a Parley token. */
  static OAuth2TokenValidator<Jwt> tenantClaim() {
    return jwt -> {
      String tenant = jwt.getClaimAsString(Caller.TENANT_CLAIM);
      return tenant != null && Keys.TENANT_ID.matcher(tenant).matches() && jwt.getSubject() != null
          ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
              "the token must carry a subject and a '" + Caller.TENANT_CLAIM + "' claim", null));
    };
  }
}
