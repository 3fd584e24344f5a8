package dev.parley.e2e.bench;

import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.http.server.HttpServer;

/**
 * The baseline of an accept: a bare Spring WebFlux endpoint on Reactor Netty that reads the JSON
 * body of {@code POST /ai/chat} and answers 202 with a body like ingress's, doing nothing else (no
 * security, no validation, no Kafka). Run in a process of its own, with the services' JVM flags,
 * so what it costs is comparable with ingress-service's figures.
 */
public final class BareAcceptServer {

  private static final String ACCEPTED = "{\"conversationId\":\"c\",\"messageId\":\"m\",\"streamUrl\":\"/ai/conversations/c/stream?messageId=m\"}";

  private BareAcceptServer() {
  }

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    RouterFunction<ServerResponse> routes = RouterFunctions.route()
        .POST("/ai/chat", request -> request.bodyToMono(String.class)
            .then(ServerResponse.accepted().contentType(MediaType.APPLICATION_JSON).bodyValue(ACCEPTED)))
        .GET("/health", request -> ServerResponse.ok().bodyValue("ok"))
        .build();
    HttpServer.create().host("127.0.0.1").port(port)
        .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes)))
        .bindNow(Duration.ofSeconds(10))
        .onDispose().block();
  }
}
