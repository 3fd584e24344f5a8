package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure paths of schema registration, against a local HTTP server that fails on demand.
 * The happy path runs against the real registry in the end-to-end tests.
 */
class SchemaRegistrySetupTest {

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldRetryWhenRegistryAnswers5xxThenSucceed() throws IOException {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    start((method, path) -> {
      if (path.endsWith("/artifacts") && failuresLeft.getAndDecrement() > 0) {
        return 500;
      }
      return path.endsWith("/rules") ? 204 : 200;
    });

    new SchemaRegistrySetup(url()).ensure(List.of(Topics.REPLIES));

    assertThat(requests).containsExactly(
        "POST /apis/registry/v2/groups/default/artifacts",
        "POST /apis/registry/v2/groups/default/artifacts",
        "POST /apis/registry/v2/groups/default/artifacts",
        "POST /apis/registry/v2/groups/default/artifacts/parley.replies-value/rules");
  }

  @Test
  void shouldUpdateExistingRuleToBackwardWhenRuleAlreadyExists() throws IOException {
    start((method, path) -> path.endsWith("/rules") ? 409 : 200);

    new SchemaRegistrySetup(url()).ensure(List.of(Topics.REPLIES));

    assertThat(requests).last().isEqualTo("PUT /apis/registry/v2/groups/default/artifacts/parley.replies-value/rules/COMPATIBILITY");
  }

  @Test
  void shouldFailAtOnceWhenRegistryRefusesSchema() throws IOException {
    start((method, path) -> 400);

    assertThatThrownBy(() -> new SchemaRegistrySetup(url()).ensure(List.of(Topics.REPLIES)))
        .hasMessageContaining("answered 400");
    assertThat(requests).hasSize(1);
  }

  private interface Responder {
    int status(String method, String path);
  }

  private void start(Responder responder) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      exchange.getRequestBody().readAllBytes();
      int status = responder.status(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      if (status == 204) {
        exchange.sendResponseHeaders(204, -1);
      } else {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/registry/v2";
  }
}
