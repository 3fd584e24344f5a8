package dev.parley.schemas.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

/**
 * Who may read {@code /actuator/prometheus}: Parley's services (a service token, as for every
 * other operational endpoint) and the metrics scraper, which shows the static bearer token
 * {@code PARLEY_METRICS_TOKEN} ({@code parley.metrics.scrape-token}). Prometheus cannot mint
 * short-lived service tokens; it reads one from a file ({@code authorization.credentials_file}).
 * Without that setting only services may scrape. The token opens this endpoint and nothing else.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsScrapeSecurity {

  /** The scraper's identity once its token matched. */
  public static final String SCRAPER = "metrics-scraper";
  static final String PATH = "/actuator/prometheus";
  private static final int MIN_TOKEN_BYTES = 24;

  @Bean
  @Order(0)
  SecurityWebFilterChain metricsScrape(ServerHttpSecurity http, ServiceIdentity services,
      @Value("${parley.metrics.scrape-token:}") String scrapeToken) {
    return chain(http, services, scrapeToken);
  }

  static SecurityWebFilterChain chain(ServerHttpSecurity http, ServiceIdentity services, String scrapeToken) {
    ProblemResponses problems = new ProblemResponses();
    ReactiveAuthenticationManager manager = authentication(services, scrapeToken);
    return InternalApiSecurity.stateless(http)
        .securityMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, PATH))
        .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
        .oauth2ResourceServer(oauth -> oauth.authenticationManagerResolver(exchange -> Mono.just(manager))
            .authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }

  /** The scrape token when it matches (compared in constant time), else a service token. */
  static ReactiveAuthenticationManager authentication(ServiceIdentity services, String scrapeToken) {
    ReactiveAuthenticationManager serviceTokens = new JwtReactiveAuthenticationManager(services.decoder());
    byte[] expected = scrapeToken == null ? new byte[0] : scrapeToken.getBytes(StandardCharsets.UTF_8);
    if (expected.length > 0 && expected.length < MIN_TOKEN_BYTES) {
      throw new IllegalStateException("PARLEY_METRICS_TOKEN (parley.metrics.scrape-token) must be at least " + MIN_TOKEN_BYTES
          + " bytes, or unset (then only Parley's services may read " + PATH + ")");
    }
    return authentication -> {
      if (expected.length > 0 && authentication instanceof BearerTokenAuthenticationToken bearer
          && MessageDigest.isEqual(expected, bearer.getToken().getBytes(StandardCharsets.UTF_8))) {
        return Mono.just(UsernamePasswordAuthenticationToken.authenticated(SCRAPER, null,
            List.of(new SimpleGrantedAuthority("ROLE_METRICS"))));
      }
      return serviceTokens.authenticate(authentication);
    };
  }
}
