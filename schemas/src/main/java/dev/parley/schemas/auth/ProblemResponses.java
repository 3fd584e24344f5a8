package dev.parley.schemas.auth;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 as application/problem+json, for every service's security chain: a 401 with the
 * bearer challenge saying whether the token was missing or invalid, a 403 saying the token's role
 * may not do this. Never the reason a token failed in detail (that helps only an attacker).
 */
public class ProblemResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    String detail = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
        || exchange.getRequest().getQueryParams().containsKey("access_token")
        ? "The bearer token is invalid or expired." : "A bearer token is required.";
    return write(exchange, HttpStatus.UNAUTHORIZED, detail);
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
    return write(exchange, HttpStatus.FORBIDDEN, reason(denied));
  }

  /** Why access was denied: the exception's own words when a check gave them, else the role. */
  protected static String reason(AccessDeniedException denied) {
    String message = denied.getMessage();
    return message == null || message.equals("Access Denied") ? "The token's role may not do this." : message;
  }

  protected Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail) {
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    String body = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
        + ",\"detail\":\"" + json(detail) + "\",\"instance\":\"" + json(exchange.getRequest().getPath().value()) + "\"}";
    // Read (and drop) the request body first: answering before it is consumed leaves the
    // keep-alive connection in a state where a client's next request on it can hang.
    return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then(Mono.defer(() ->
        response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))))));
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
