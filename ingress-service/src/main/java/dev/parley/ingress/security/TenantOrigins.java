package dev.parley.ingress.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Which websites may call the API from a browser (the chat widget on a tenant's site), per tenant
 * ({@code parley.cors.tenants.<tenant>: [https://www.example.com, ...]}).
 *
 * <p>A preflight carries no token, so it is answered for any tenant's origin ({@link #corsSource});
 * the request itself is then checked against its caller's own tenant ({@link #tenantCheck}): a
 * browser on one tenant's site cannot use another tenant's customers' tokens there. Requests
 * without an {@code Origin} (servers, apps) and same-origin requests are not cross-origin and pass.
 */
@ConfigurationProperties("parley.cors")
public record TenantOrigins(Map<String, List<String>> tenants) {

  public TenantOrigins {
    tenants = tenants == null ? Map.of() : tenants.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> List.copyOf(entry.getValue())));
  }

  boolean allows(String tenantId, String origin) {
    return tenants.getOrDefault(tenantId, List.of()).contains(origin);
  }

  private Set<String> all() {
    return tenants.values().stream().flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
  }

  /** CORS answers, preflights included, for any tenant's origin; bearer tokens, so no credentials. */
  CorsConfigurationSource corsSource() {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(List.copyOf(all()));
    cors.setAllowedMethods(List.of("GET", "POST", "PATCH", "DELETE"));
    cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "Prefer", "Last-Event-ID"));
    cors.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER, "Preference-Applied"));
    cors.setAllowCredentials(false);
    cors.setMaxAge(Duration.ofHours(1));
    return exchange -> cors;
  }

  /** A cross-origin request from an origin the caller's tenant does not list: 403. */
  WebFilter tenantCheck() {
    return (ServerWebExchange exchange, WebFilterChain chain) -> {
      String origin = exchange.getRequest().getHeaders().getOrigin();
      if (origin == null || sameOrigin(exchange, origin)) {
        return chain.filter(exchange);
      }
      return exchange.getPrincipal()
          .filter(JwtAuthenticationToken.class::isInstance)
          .map(principal -> Caller.of(((JwtAuthenticationToken) principal).getToken()))
          .flatMap(caller -> {
            if (allows(caller.tenantId(), origin)) {
              return Mono.just(true);
            }
            // Answered (403 problem+json) and audited by the security chain's access-denied handler.
            return Mono.<Boolean>error(new AccessDeniedException("this website (" + origin + ") may not call the API for this business"));
          })
          .then(chain.filter(exchange));
    };
  }

  private static boolean sameOrigin(ServerWebExchange exchange, String origin) {
    URI request = exchange.getRequest().getURI();
    try {
      URI from = URI.create(origin);
      return from.getHost() != null && from.getHost().equalsIgnoreCase(request.getHost())
          && port(from) == port(request) && String.valueOf(from.getScheme()).equalsIgnoreCase(request.getScheme());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
