package dev.parley.llm.model;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEventParsingHandle;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * LangChain4j's HTTP client for the model provider, on Reactor Netty: a streamed answer holds a
 * pooled connection while it streams, but no thread. LangChain4j's own JDK client parses each
 * stream on a thread of its own for the whole answer, and takes that thread from the JDK's common
 * pool: a new thread per call on a 2-core machine (the pool has one worker there), and at most
 * cores − 1 streams at once on a larger one. With a model that takes seconds per answer, the
 * number of answers in flight is what sets an instance's throughput.
 *
 * <p>The events reach LangChain4j on Netty's event loop: what the listener does with them must not block.
 */
final class ReactiveModelHttpClient implements HttpClient {

  private static final ParameterizedTypeReference<org.springframework.http.codec.ServerSentEvent<String>> EVENTS =
      new ParameterizedTypeReference<>() {
      };

  private final WebClient web;
  private final Duration readTimeout;

  private ReactiveModelHttpClient(Builder builder) {
    this.readTimeout = builder.readTimeout == null ? Duration.ofSeconds(60) : builder.readTimeout;
    Duration connectTimeout = builder.connectTimeout == null ? Duration.ofSeconds(10) : builder.connectTimeout;
    // One connection per answer in flight (HTTP/1.1 streams one response per connection), kept a
    // while between answers; calls beyond the pool wait for a connection rather than fail.
    ConnectionProvider pool = ConnectionProvider.builder("model-provider")
        .maxConnections(builder.maxConnections)
        .pendingAcquireMaxCount(-1)
        .pendingAcquireTimeout(readTimeout)
        .maxIdleTime(Duration.ofSeconds(30))
        .build();
    reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create(pool)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .responseTimeout(readTimeout); // between reads: a stream that stalls this long fails
    this.web = WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector(netty))
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
        .build();
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    try {
      return send(request).exchangeToMono(response -> failed(response).<SuccessfulHttpResponse>flatMap(Mono::error)
              .switchIfEmpty(Mono.defer(() -> response.bodyToMono(String.class).defaultIfEmpty("").map(body -> opened(response, body)))))
          .onErrorMap(ReactiveModelHttpClient::mapped)
          .block(readTimeout.multipliedBy(2));
    } catch (IllegalStateException blockTimedOut) {
      throw new TimeoutException(blockTimedOut);
    }
  }

  /** Streams the events to the listener as they come; returns at once. Parsing is Spring's (the parser given is not used). */
  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    AtomicReference<Disposable> subscription = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    ServerSentEventContext context = new ServerSentEventContext(new ServerSentEventParsingHandle() {
      @Override
      public void cancel() {
        cancelled.set(true);
        Disposable running = subscription.get();
        if (running != null) {
          running.dispose();
        }
      }

      @Override
      public boolean isCancelled() {
        return cancelled.get();
      }
    });
    Flux<org.springframework.http.codec.ServerSentEvent<String>> events = send(request).exchangeToFlux(response -> failed(response)
        .<org.springframework.http.codec.ServerSentEvent<String>>flatMapMany(Flux::error)
        .switchIfEmpty(Flux.defer(() -> {
          quietly(() -> listener.onOpen(opened(response, null)));
          return response.bodyToFlux(EVENTS);
        })));
    subscription.set(events
        .filter(event -> event.data() != null || event.event() != null) // comments and keep-alives
        .subscribe(
            event -> {
              if (!cancelled.get()) {
                quietly(() -> listener.onEvent(new ServerSentEvent(event.event(), event.data()), context));
              }
            },
            error -> quietly(() -> listener.onError(mapped(error))),
            () -> quietly(listener::onClose)));
    if (cancelled.get()) {
      subscription.get().dispose();
    }
  }

  private WebClient.RequestHeadersSpec<?> send(HttpRequest request) {
    WebClient.RequestBodySpec spec = web.method(HttpMethod.valueOf(request.method().name()))
        .uri(URI.create(request.url()))
        .headers(headers -> request.headers().forEach(headers::addAll));
    // As bytes: a prompt with any character beyond Latin-1 would otherwise be encoded a char at a time.
    return request.body() == null ? spec : spec.bodyValue(request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A response that is not a success, as the error LangChain4j maps to its own (429 and 5xx retriable). */
  private static Mono<HttpException> failed(ClientResponse response) {
    if (response.statusCode().is2xxSuccessful()) {
      return Mono.empty();
    }
    return response.bodyToMono(String.class).defaultIfEmpty("")
        .map(body -> new HttpException(response.statusCode().value(), body));
  }

  private static SuccessfulHttpResponse opened(ClientResponse response, String body) {
    Map<String, List<String>> headers = new java.util.HashMap<>(response.headers().asHttpHeaders().toSingleValueMap().size());
    response.headers().asHttpHeaders().forEach(headers::put);
    SuccessfulHttpResponse.Builder built = SuccessfulHttpResponse.builder().statusCode(response.statusCode().value()).headers(headers);
    return (body == null ? built : built.body(body)).build();
  }

  /** Timeouts as LangChain4j's (retriable); anything else as it is. */
  private static Throwable mapped(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ReadTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
        return new TimeoutException(error);
      }
    }
    return error;
  }

  /** A listener that throws must not break the stream for Netty (LangChain4j's own clients ignore such throws too). */
  private static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException ignored) {
      // the listener reports its own failures to its handler
    }
  }

  /** What LangChain4j's model builders configure; the pool's size is Parley's. */
  static final class Builder implements HttpClientBuilder {

    private final int maxConnections;
    private Duration connectTimeout;
    private Duration readTimeout;

    Builder(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    @Override
    public HttpClient build() {
      return new ReactiveModelHttpClient(this);
    }
  }
}
