package dev.parley.schemas.auth;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * The security of a service that has only internal APIs (context-service, llm-service,
 * delivery-service): health is open (probes carry no token); everything else, internal APIs,
 * operator endpoints and the other actuator endpoints alike, answers only a Parley service
 * ({@link ServiceIdentity}). The services stay on the internal network too; this is the second
 * wall, not the first.
 */
public final class InternalApiSecurity {

  private InternalApiSecurity() {
  }

  /**
   * What every Parley API is: bearer tokens only, no sessions, logins or cookies (so nothing for
   * CSRF to ride on).
   */
  public static ServerHttpSecurity stateless(ServerHttpSecurity http) {
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable);
  }

  /**
   * Health probes answer everyone and read no token at all: a probe carries none, and a caller's
   * token (valid elsewhere or not) must not turn a health check into a 401. Ordered before the
   * service's other chains.
   */
  public static SecurityWebFilterChain probes(ServerHttpSecurity http) {
    return stateless(http)
        .securityMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**",
            "/actuator/info"))
        .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
        .build();
  }

  public static SecurityWebFilterChain chain(ServerHttpSecurity http, ServiceIdentity identity) {
    ProblemResponses problems = new ProblemResponses();
    return stateless(http)
        .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> jwt.jwtDecoder(identity.decoder()))
            .authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }
}
