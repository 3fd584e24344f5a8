package dev.parley.llm.model;

import io.micrometer.observation.ObservationRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.parley.llm.answer.ToolLoop;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, circuit breaking and giving up, against a local chat-completions server that fails on demand. */
class ModelGuardTest {

  private static final String ANSWER = String.join("\n\n",
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}",
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
      "data: [DONE]", "");

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private int defaultStatus = 200;

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldRetryServerErrorsWithBackoffThenAnswer() throws Exception {
    start(500, 500);
    ModelGuard guard = guard(3, 10);

    var outcome = guard.call(this::ask, () -> true);

    assertThat(outcome.response().aiMessage().text()).isEqualTo("Hello");
    assertThat(requests).hasValue(3);
  }

  @Test
  void shouldGiveUpAfterLastRetryOnRateLimit() throws IOException {
    defaultStatus = 429;
    start();

    var gaveUp = catchThrowableOfType(ModelGuard.GaveUp.class, () -> guard(3, 10).call(this::ask, () -> true));

    assertThat(gaveUp.attempts).isEqualTo(3);
    assertThat(gaveUp.circuitOpen).isFalse();
    assertThat(requests).hasValue(3);
  }

  @Test
  void shouldNotRetryRequestTheProviderRefuses() throws IOException {
    defaultStatus = 400;
    start();

    var gaveUp = catchThrowableOfType(ModelGuard.GaveUp.class, () -> guard(3, 10).call(this::ask, () -> true));

    assertThat(gaveUp.attempts).isEqualTo(1);
    assertThat(requests).hasValue(1);
  }

  @Test
  void shouldNotRetryOnceTextHasBeenStreamed() throws IOException {
    defaultStatus = 503;
    start();

    var gaveUp = catchThrowableOfType(ModelGuard.GaveUp.class, () -> guard(3, 10).call(this::ask, () -> false));

    assertThat(gaveUp.attempts).isEqualTo(1);
  }

  @Test
  void shouldOpenCircuitAfterRepeatedFailuresAndThenFailFastWithoutCallingTheModel() throws IOException {
    defaultStatus = 500;
    start();
    ModelGuard guard = new ModelGuard(new ModelGuard.Settings(1, Duration.ofMillis(1), 50, 4, Duration.ofMinutes(1)));
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> guard.call(this::ask, () -> true)).isInstanceOf(ModelGuard.GaveUp.class);
    }
    int before = requests.get();

    var gaveUp = catchThrowableOfType(ModelGuard.GaveUp.class, () -> guard.call(this::ask, () -> true));

    assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(gaveUp.circuitOpen).isTrue();
    assertThat(requests).hasValue(before);
  }

  private ToolLoop.Outcome ask() throws Exception {
    var config = new ModelConfiguration();
    StreamingChatModel model = config.streamingChatModel(config.modelSettings(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "k", "m", Duration.ofSeconds(5), 16), ObservationRegistry.NOOP);
    return new ToolLoop(List.of()).run(model, List.of(UserMessage.from("hi")), piece -> { },
        (call, result, ok, latency, error, round) -> { }, Duration.ofSeconds(5));
  }

  private static ModelGuard guard(int attempts, long backoffMs) {
    return new ModelGuard(new ModelGuard.Settings(attempts, Duration.ofMillis(backoffMs), 50, 100, Duration.ofSeconds(30)));
  }

  private void start(Integer... firstStatuses) throws IOException {
    statuses.addAll(List.of(firstStatuses));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      Integer next = statuses.poll();
      int status = next != null ? next : defaultStatus;
      byte[] body = (status == 200 ? ANSWER : "{\"error\":{\"message\":\"failing on purpose\"}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", status == 200 ? "text/event-stream" : "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }
}
