package dev.parley.e2e.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;

/**
 * A slow model provider: an OpenAI-compatible {@code POST /v1/chat/completions} that streams every
 * answer as {@value #PIECES} pieces spread over the time given (2 s in the benchmark), then the
 * token usage and {@code [DONE]}, as a hosted model does under load. It never calls a tool. Run in
 * a process of its own, so its CPU is not counted as llm-service's. {@code GET /calls} says how
 * many answers it has started.
 */
public final class SlowModelServer {

  static final int PIECES = 10;
  private static final String ANSWER = "Yes, we have several SUVs under 30k in stock right now; the RAV4 LE "
      + "and the CR-V EX are both available for a test drive this week, and I can check financing for you.";

  private SlowModelServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Duration answerTime = Duration.parse(args[1]);
    Duration gap = answerTime.dividedBy(PIECES);
    AtomicLong calls = new AtomicLong();
    String[] words = ANSWER.split("(?<= )");
    HttpServer.create().host("127.0.0.1").port(port)
        .route(routes -> routes
            .post("/v1/chat/completions", (request, response) -> {
              long call = calls.incrementAndGet();
              Flux<String> events = Flux.interval(gap).take(PIECES)
                  .map(i -> chunk(call, "{\"content\":" + json(piece(words, i.intValue())) + "}", null))
                  .concatWith(Flux.just(chunk(call, "{}", "\"stop\""),
                      "data: {\"id\":\"slow-" + call + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\","
                          + "\"choices\":[],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":40,\"total_tokens\":940}}\n\n",
                      "data: [DONE]\n\n"));
              return request.receive().aggregate().then(Mono.defer(() -> response.status(200)
                  .header("Content-Type", "text/event-stream")
                  .sendString(events, StandardCharsets.UTF_8).then()));
            })
            .get("/calls", (request, response) -> response.sendString(Mono.just(Long.toString(calls.get()))))
            .get("/health", (request, response) -> response.sendString(Mono.just("ok"))))
        .bindNow(Duration.ofSeconds(10))
        .onDispose().block();
  }

  /** The i-th of {@value #PIECES} nearly equal runs of words. */
  private static String piece(String[] words, int i) {
    int from = words.length * i / PIECES;
    int to = words.length * (i + 1) / PIECES;
    return String.join("", java.util.Arrays.copyOfRange(words, from, to));
  }

  private static String chunk(long call, String delta, String finishReason) {
    return "data: {\"id\":\"slow-" + call + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\","
        + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
