package dev.parley.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The model provider's HTTP client over real HTTP, against a local server that streams server-sent events. */
class ReactiveModelHttpClientTest {

  private DisposableServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow();
    }
  }

  @Test
  void shouldStreamManyAnswersAtOnceWithoutHoldingAThreadForEach() throws Exception {
    // Each answer: 5 events 200 ms apart, so 200 of them are all streaming at the same time.
    serve((request, response) -> response.header("Content-Type", "text/event-stream")
        .sendString(Flux.interval(Duration.ofMillis(200)).take(5).map(i -> "data: piece " + i + "\n\n")
            .concatWith(Flux.just("data: [DONE]\n\n")), StandardCharsets.UTF_8));
    HttpClient client = new ReactiveModelHttpClient.Builder(256).readTimeout(Duration.ofSeconds(10)).build();
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Stream stream = new Stream();
      client.execute(post(), new DefaultServerSentEventParser(), stream);
      streams.add(stream);
    }
    Thread.sleep(500); // all of them mid-answer
    int threadsStreaming = ManagementFactory.getThreadMXBean().getThreadCount();
    CompletableFuture.allOf(streams.stream().map(s -> s.closed).toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

    assertThat(streams).allSatisfy(stream -> assertThat(stream.data)
        .containsExactly("piece 0", "piece 1", "piece 2", "piece 3", "piece 4", "[DONE]"));
    assertThat(streams).allSatisfy(stream -> assertThat(stream.opened).isTrue());
    // Netty's event loops and a few of Reactor's, not one per stream.
    assertThat(threadsStreaming - threadsBefore).as("threads added while 200 answers stream").isLessThan(20);
  }

  @Test
  void shouldFailAStreamThatStallsLongerThanTheReadTimeoutAsRetriable() throws Exception {
    serve((request, response) -> response.header("Content-Type", "text/event-stream")
        .sendString(Flux.concat(Mono.just("data: first\n\n"), Mono.delay(Duration.ofSeconds(5)).thenReturn("data: late\n\n")),
            StandardCharsets.UTF_8));
    HttpClient client = new ReactiveModelHttpClient.Builder(4).readTimeout(Duration.ofMillis(500)).build();
    Stream stream = new Stream();

    client.execute(post(), new DefaultServerSentEventParser(), stream);

    Throwable error = stream.failed.get(10, TimeUnit.SECONDS);
    assertThat(stream.data).containsExactly("first");
    assertThat(error).isInstanceOf(TimeoutException.class);
    assertThat(ModelGuard.transientFailure(error)).isTrue();
  }

  @Test
  void shouldReportAnErrorStatusWithItsBodyAndNeverOpenTheStream() throws Exception {
    serve((request, response) -> response.status(429).header("Content-Type", "application/json")
        .sendString(Mono.just("{\"error\":{\"message\":\"slow down\"}}")));
    HttpClient client = new ReactiveModelHttpClient.Builder(4).readTimeout(Duration.ofSeconds(5)).build();
    Stream stream = new Stream();

    client.execute(post(), new DefaultServerSentEventParser(), stream);

    Throwable error = stream.failed.get(10, TimeUnit.SECONDS);
    assertThat(error).isInstanceOf(HttpException.class);
    assertThat(((HttpException) error).statusCode()).isEqualTo(429);
    assertThat(error.getMessage()).contains("slow down");
    assertThat(stream.opened).isFalse();
  }

  @Test
  void shouldAnswerAPlainRequestWithItsBody() throws Exception {
    serve((request, response) -> response.header("Content-Type", "application/json")
        .sendString(request.receive().aggregate().asString().defaultIfEmpty("").map(body -> "{\"echo\":" + body.length() + "}")));
    HttpClient client = new ReactiveModelHttpClient.Builder(4).readTimeout(Duration.ofSeconds(5)).build();

    var response = client.execute(post());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"echo\":" + "{\"model\":\"m\"}".length() + "}");
  }

  private void serve(java.util.function.BiFunction<reactor.netty.http.server.HttpServerRequest,
      reactor.netty.http.server.HttpServerResponse, org.reactivestreams.Publisher<Void>> handler) {
    server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes.post("/v1/chat/completions", handler)).bindNow();
  }

  private HttpRequest post() {
    return HttpRequest.builder().method(HttpMethod.POST).url("http://127.0.0.1:" + server.port() + "/v1/chat/completions")
        .addHeader("Content-Type", "application/json").body("{\"model\":\"m\"}").build();
  }

  /** What a listener was told. */
  private static final class Stream implements ServerSentEventListener {
    final List<String> data = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    volatile boolean opened;

    @Override
    public void onOpen(dev.langchain4j.http.client.SuccessfulHttpResponse response) {
      opened = response.statusCode() == 200;
    }

    @Override
    public void onEvent(ServerSentEvent event) {
      data.add(event.data());
    }

    @Override
    public void onError(Throwable error) {
      failed.complete(error);
      closed.completeExceptionally(error);
    }

    @Override
    public void onClose() {
      closed.complete(null);
    }
  }
}
