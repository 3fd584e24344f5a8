package dev.parley.ingress.security;

import dev.parley.schemas.auth.ProblemResponses;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 and 403 as problem+json, each one also a security audit entry (who, what, why). */
class AuditedProblemResponses extends ProblemResponses {

  private final SecurityAudit audit;

  AuditedProblemResponses(SecurityAudit audit) {
    this.audit = audit;
  }

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    audit.deniedUnidentified(describe(exchange), HttpStatus.UNAUTHORIZED.value(),
        failure.getClass().getSimpleName().replace("Exception", ""));
    return super.commence(exchange, failure);
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
    return exchange.getPrincipal()
        .doOnNext(principal -> {
          if (principal instanceof JwtAuthenticationToken token) {
            audit.denied(Caller.of(token.getToken()), "http.request", describe(exchange), HttpStatus.FORBIDDEN.value(),
                reason(denied));
          }
        })
        .then(super.handle(exchange, denied));
  }

  private static String describe(ServerWebExchange exchange) {
    return exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value();
  }
}
