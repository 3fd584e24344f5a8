package dev.parley.ingress.security;

import dev.parley.schemas.Keys;
import dev.parley.schemas.auth.InternalApiSecurity;
import dev.parley.schemas.auth.ProblemResponses;
import dev.parley.schemas.auth.ServiceIdentity;
import dev.parley.schemas.auth.MetricsScrapeSecurity;
import dev.parley.schemas.auth.ServiceIdentityConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

/**
 * Who may call what, in one place.
 *
 * <p>The public API takes bearer JWTs of the tenant's users (see {@link #userTokens}); the route
 * table below says which role each endpoint needs, and anything not in it is refused, so a new
 * endpoint is closed until it is given a row here (and in the role matrix test). Whose data a
 * customer may touch (their own conversations only) is decided per request by
 * {@code conversation.ConversationAccess}, which needs the conversation's owner.
 *
 * <p>The actuator (beyond health and info) answers only the internal service identity.
 */
@Configuration
@EnableConfigurationProperties(TenantOrigins.class)
// ingress calls the internal APIs as itself; Prometheus scrapes it with its own token
@Import({ServiceIdentityConfiguration.class, MetricsScrapeSecurity.class})
class SecurityConfiguration {

  static final String CUSTOMER = Role.CUSTOMER.name();
  static final String AGENT = Role.AGENT.name();
  static final String ADMIN = Role.ADMIN.name();

  /** Health probes: open to all, reading no token. */
  @Bean
  @Order(0)
  SecurityWebFilterChain probes(ServerHttpSecurity http) {
    return InternalApiSecurity.probes(http);
  }

  /** The other operational endpoints (metrics, mappings) are for Parley's services and operators' tools. */
  @Bean
  @Order(1)
  SecurityWebFilterChain actuator(ServerHttpSecurity http, ServiceIdentity services, ProblemResponses problems) {
    return InternalApiSecurity.stateless(http)
        .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/actuator", "/actuator/**"))
        .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> jwt.jwtDecoder(services.decoder()))
            .authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }

  @Bean
  @Order(2)
  SecurityWebFilterChain publicApi(ServerHttpSecurity http, ReactiveJwtDecoder userTokens, ProblemResponses problems,
      SecurityAudit audit, TenantOrigins origins) {
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable) // bearer tokens, no cookies: nothing for CSRF to ride on
        .cors(cors -> cors.configurationSource(origins.corsSource()))
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .authorizeExchange(exchanges -> exchanges
            // Providers authenticate their webhooks by signature, checked by the webhook handlers.
            .pathMatchers(HttpMethod.POST, "/webhooks/wazzup/*").permitAll()
            // Chat, follow a conversation, escalate, rate: any role; a customer only their own conversations.
            .pathMatchers(HttpMethod.POST, "/ai/chat", "/ai/escalate", "/ai/feedback").hasAnyRole(CUSTOMER, AGENT)
            .pathMatchers(HttpMethod.GET, "/ai/ws").hasAnyRole(CUSTOMER, AGENT)
            .pathMatchers(HttpMethod.GET, "/ai/conversations", "/ai/conversations/*", "/ai/conversations/*/stream",
                "/ai/conversations/*/transcript").hasAnyRole(CUSTOMER, AGENT)
            // A customer may only close their own conversation or give their name (checked by the handler).
            .pathMatchers(HttpMethod.PATCH, "/ai/conversations/*").hasAnyRole(CUSTOMER, AGENT)
            .pathMatchers(HttpMethod.POST, "/ai/analyze-intent", "/ai/knowledge-base/search").hasAnyRole(CUSTOMER, AGENT)
            // Staff: write to customers, see profiles and leads.
            .pathMatchers(HttpMethod.POST, "/ai/conversations/*/agent-messages").hasRole(AGENT)
            .pathMatchers(HttpMethod.GET, "/ai/customers/*/profile", "/ai/leads").hasRole(AGENT)
            // Staff: the tenant's analytics (live, historical, the portal's overview, the sales pipeline).
            .pathMatchers(HttpMethod.GET, "/metrics", "/metrics/historical", "/ai/pipeline").hasRole(AGENT)
            .pathMatchers(HttpMethod.POST, "/ai/analytics-overview").hasRole(AGENT)
            // Admins: what changes the assistant for every customer, or where data goes.
            .pathMatchers(HttpMethod.POST, "/ai/knowledge-base/documents").hasRole(ADMIN)
            .pathMatchers(HttpMethod.POST, "/ai/webhooks").hasRole(ADMIN)
            .pathMatchers(HttpMethod.GET, "/ai/webhooks").hasRole(ADMIN)
            .pathMatchers(HttpMethod.DELETE, "/ai/webhooks/*").hasRole(ADMIN)
            .pathMatchers(HttpMethod.GET, "/ai/alert-rules").hasRole(ADMIN)
            .pathMatchers(HttpMethod.PUT, "/ai/alert-rules").hasRole(ADMIN)
            .pathMatchers(HttpMethod.DELETE, "/ai/alert-rules").hasRole(ADMIN)
            .pathMatchers(HttpMethod.GET, "/ai/admin/failed-deliveries", "/ai/admin/dead-letters").hasRole(ADMIN)
            // Admins: the tenant's conversation log, whole (export) or into a replay topic.
            .pathMatchers(HttpMethod.GET, "/ai/admin/export").hasRole(ADMIN)
            .pathMatchers(HttpMethod.POST, "/ai/admin/replay").hasRole(ADMIN)
            .pathMatchers(HttpMethod.POST, "/ai/admin/failed-deliveries/*/redrive", "/ai/admin/dead-letters/*/redrive")
                .hasRole(ADMIN)
            .anyExchange().denyAll())
        .oauth2ResourceServer(oauth -> oauth
            .jwt(jwt -> jwt.jwtDecoder(userTokens).jwtAuthenticationConverter(SecurityConfiguration::authentication))
            .bearerTokenConverter(bearerTokens())
            .authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        // Who acts with which role: a user seen with another role than before is an audit entry.
        .addFilterAfter((exchange, chain) -> exchange.getPrincipal()
            .doOnNext(principal -> {
              if (principal instanceof JwtAuthenticationToken token) {
                audit.seen(Caller.of(token.getToken()));
              }
            })
            .then(chain.filter(exchange)), SecurityWebFiltersOrder.AUTHORIZATION)
        // A browser on a website the caller's tenant does not list may not use the API.
        .addFilterAfter(origins.tenantCheck(), SecurityWebFiltersOrder.AUTHORIZATION)
        .build();
  }

  /** The token's roles as authorities; the principal stays the {@link Jwt}. */
  static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
    return Mono.just(new JwtAuthenticationToken(jwt, Role.of(jwt).authorities(), jwt.getSubject()));
  }

  @Bean
  ProblemResponses problemResponses(SecurityAudit audit) {
    return new AuditedProblemResponses(audit);
  }

  /**
   * Bearer tokens from the Authorization header, or from {@code access_token} in the query of a
   * GET (browsers cannot set headers on a WebSocket handshake or an EventSource).
   */
  private static ServerBearerTokenAuthenticationConverter bearerTokens() {
    var converter = new ServerBearerTokenAuthenticationConverter();
    converter.setAllowUriQueryParameter(true);
    return converter;
  }

  /**
   * The decoder of users' tokens: HS256 with {@code parley.auth.jwt-secret}, or RS256 against the
   * identity provider's key set at {@code parley.auth.jwk-set-uri}; exactly one must be set.
   * Either way the algorithm is pinned and {@link #validators} apply.
   */
  @Bean
  ReactiveJwtDecoder userTokens(TokenSettings settings) {
    boolean hasSecret = !settings.jwtSecret().isBlank();
    boolean hasKeySet = !settings.jwkSetUri().isBlank();
    if (hasSecret == hasKeySet) {
      throw new IllegalStateException("set exactly one of PARLEY_JWT_SECRET (HS256) and PARLEY_JWT_JWK_SET_URI (RS256)");
    }
    NimbusReactiveJwtDecoder decoder;
    if (hasSecret) {
      byte[] key = settings.jwtSecret().getBytes(StandardCharsets.UTF_8);
      if (key.length < 32) {
        throw new IllegalStateException("parley.auth.jwt-secret must be at least 32 bytes for HS256");
      }
      decoder = NimbusReactiveJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
          .macAlgorithm(MacAlgorithm.HS256).build();
    } else {
      decoder = NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwkSetUri()).jwsAlgorithm(SignatureAlgorithm.RS256).build();
    }
    decoder.setJwtValidator(validators(settings));
    return decoder;
  }

  /** Token settings, from {@code parley.auth.*}. */
  record TokenSettings(String jwtSecret, String jwkSetUri, String issuer, String audience, Duration clockSkew) {
  }

  @Bean
  TokenSettings tokenSettings(@Value("${parley.auth.jwt-secret:}") String secret,
      @Value("${parley.auth.jwk-set-uri:}") String jwkSetUri,
      @Value("${parley.auth.issuer}") String issuer,
      @Value("${parley.auth.audience}") String audience,
      @Value("${parley.auth.clock-skew:PT30S}") Duration clockSkew) {
    return new TokenSettings(secret, jwkSetUri, issuer, audience, clockSkew);
  }

  /**
   * A Parley user token has an expiry (required) and is inside its not-before/expiry window, give or
   * take the clock skew; comes from the configured issuer for the configured audience; and names
   * its subject and a well-formed tenant.
   */
  static OAuth2TokenValidator<Jwt> validators(TokenSettings settings) {
    JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
    timestamps.setAllowEmptyExpiryClaim(false);
    return new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(settings.issuer()),
        new JwtAudienceValidator(settings.audience()), tenantClaim());
  }

  /** A token without a well-formed tenant claim and a subject is not a Parley token. */
  static OAuth2TokenValidator<Jwt> tenantClaim() {
    return jwt -> {
      String tenant = jwt.getClaimAsString(Caller.TENANT_CLAIM);
      return tenant != null && Keys.TENANT_ID.matcher(tenant).matches() && jwt.getSubject() != null
          && !jwt.getSubject().isBlank()
          ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
              "the token must carry a subject and a '" + Caller.TENANT_CLAIM + "' claim", null));
    };
  }
}
