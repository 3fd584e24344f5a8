package dev.parley.schemas.auth;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

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

  public static SecurityWebFilterChain chain(ServerHttpSecurity http, ServiceIdentity identity) {
    ProblemResponses problems = new ProblemResponses();
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
            .anyExchange().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> jwt.jwtDecoder(identity.decoder()))
            .authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }
}
