package dev.parley.llm.model;

import io.micrometer.observation.ObservationRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.parley.events.ModelInfo;
import dev.parley.llm.answer.StreamingAnswer;
import dev.parley.llm.answer.ToolLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI-compatible path, over real HTTP against a local server that speaks the streaming
 * chat-completions protocol: what ModelConfiguration builds when a model endpoint is configured.
 */
class OpenAiCompatibleModelTest {

  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void shouldStreamAnswerAndReportProviderTokenCountsWhenEndpointIsConfigured() throws Exception {
    start(200, String.join("\n\n",
        chunk("{\"role\":\"assistant\",\"content\":\"Rates start\"}", null),
        chunk("{\"content\":\" at 5.9% APR.\"}", null),
        chunk("{}", "\"stop\""),
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fake-gpt\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":7,\"total_tokens\":49}}",
        "data: [DONE]", ""));
    var config = new ModelConfiguration();
    var settings = config.modelSettings(url(), "test-key", "fake-gpt", Duration.ofSeconds(10), 16);
    StreamingChatModel model = config.streamingChatModel(settings, ObservationRegistry.NOOP);
    ModelInfo info = config.modelInfo(settings);

    List<String> pieces = new CopyOnWriteArrayList<>();
    ChatResponse response = chat(model, pieces).get(10, TimeUnit.SECONDS);

    assertThat(pieces).containsExactly("Rates start", " at 5.9% APR.");
    assertThat(response.aiMessage().text()).isEqualTo("Rates start at 5.9% APR.");
    assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(42);
    assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(7);
    assertThat(info.getOffline()).isFalse();
    assertThat(info.getName()).isEqualTo("fake-gpt");
    assertThat(bodies).hasSize(1);
    var request = JsonMapper.builder().build().readTree(bodies.get(0));
    assertThat(request.get("model").asString()).isEqualTo("fake-gpt");
    assertThat(request.get("stream").asBoolean()).isTrue();
    assertThat(request.get("messages").get(1).get("content").asString()).isEqualTo("What APR can I get?");
  }

  @Test
  void shouldRunToolCallsOfRemoteModelThroughTheToolLoop() throws Exception {
    String toolCall = String.join("\n\n",
        chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"calculateSalesTax\",\"arguments\":\"\"}}]}", null),
        chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"state\\\":\\\"TX\\\",\\\"price\\\":32500,"
            + "\\\"tradeIn\\\":8000}\"}}]}", null),
        chunk("{}", "\"tool_calls\""),
        "data: [DONE]", "");
    String answer = String.join("\n\n", chunk("{\"role\":\"assistant\",\"content\":\"The tax is $1,531.25.\"}", null),
        chunk("{}", "\"stop\""), "data: [DONE]", "");
    startSequence(List.of(toolCall, answer));
    var config = new ModelConfiguration();
    StreamingChatModel model = config.streamingChatModel(config.modelSettings(url(), "k", "fake-gpt", Duration.ofSeconds(10), 16), ObservationRegistry.NOOP);
    List<String> called = new CopyOnWriteArrayList<>();
    ToolLoop loop = new ToolLoop(List.of(new dev.parley.llm.tools.SalesTools(dev.parley.llm.tools.SalesTaxTable.standard())));

    var outcome = loop.run(model, List.of(SystemMessage.from("You are Parley."), UserMessage.from("Tax on the RAV4 in Texas?")),
        piece -> { }, (call, result, ok, latency, error, round) -> called.add(call.name() + ":" + ok + ":" + result), Duration.ofSeconds(10));

    assertThat(outcome.response().aiMessage().text()).isEqualTo("The tax is $1,531.25.");
    assertThat(called).singleElement().asString().startsWith("calculateSalesTax:true:").contains("1531.25");
    var first = JsonMapper.builder().build().readTree(bodies.get(0));
    assertThat(first.get("tools").get(0).get("function").get("name").asString()).isNotBlank();
    var second = JsonMapper.builder().build().readTree(bodies.get(1));
    var last = second.get("messages").get(second.get("messages").size() - 1);
    assertThat(last.get("role").asString()).isEqualTo("tool");
    assertThat(last.get("tool_call_id").asString()).isEqualTo("call_1");
    assertThat(last.get("content").asString()).contains("\"totalTax\"");
  }

  @Test
  void shouldReportErrorWhenEndpointFails() throws Exception {
    start(500, "{\"error\":{\"message\":\"upstream overloaded\"}}");
    var config = new ModelConfiguration();
    StreamingChatModel model = config.streamingChatModel(config.modelSettings(url(), "", "fake-gpt", Duration.ofSeconds(10), 16), ObservationRegistry.NOOP);

    CompletableFuture<ChatResponse> result = chat(model, new CopyOnWriteArrayList<>());

    assertThat(result).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void shouldUseOfflineModelWhenNoEndpointIsConfigured() {
    var config = new ModelConfiguration();
    var settings = config.modelSettings("", "", "gpt-4o-mini", Duration.ofSeconds(10), 16);

    assertThat(config.streamingChatModel(settings, ObservationRegistry.NOOP)).isInstanceOf(OfflineChatModel.class);
    assertThat(config.modelInfo(settings).getOffline()).isTrue();
  }

  private static CompletableFuture<ChatResponse> chat(StreamingChatModel model, List<String> pieces) {
    return StreamingAnswer.stream(model, ChatRequest.builder()
        .messages(SystemMessage.from("You are Parley."), UserMessage.from("What APR can I get?")).build(), pieces::add);
  }

  private static String chunk(String delta, String finishReason) {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fake-gpt\",\"choices\":[{\"index\":0,\"delta\":"
        + delta + ",\"finish_reason\":" + finishReason + "}]}";
  }

  /** Answers the n-th request with the n-th body (streamed). */
  private void startSequence(List<String> answers) throws IOException {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] bytes = answers.get(Math.min(next.getAndIncrement(), answers.size() - 1)).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  private void start(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", status == 200 ? "text/event-stream" : "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }
}
