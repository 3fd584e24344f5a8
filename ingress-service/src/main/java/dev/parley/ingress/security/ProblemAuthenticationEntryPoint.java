package dev.parley.ingress.security;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 as application/problem+json, with the bearer challenge header, instead of an empty body. */
@Component
class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.UNAUTHORIZED);
    response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    String detail = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
        ? "The bearer token is invalid or expired."
        : "A bearer token is required.";
    String body = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"" + detail
        + "\",\"instance\":\"" + exchange.getRequest().getPath().value() + "\"}";
    // Read (and drop) the request body first: answering before it is consumed leaves the
    // keep-alive connection in a state where a client's next request on it can hang.
    return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then(Mono.defer(() ->
        response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))))));
  }
}
