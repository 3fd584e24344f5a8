package dev.parley.e2e.bench;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * As many requests as the server takes: a fixed number of clients, each posting its next request
 * as soon as the last is answered, for a while. Measures how many requests a second are accepted,
 * the ceiling of an endpoint, against which the pipeline's rates are read.
 */
final class ClosedLoad {

  /** One request: where to post it, its headers, its body. */
  record Request(String path, java.util.function.Consumer<HttpHeaders> headers, String body) {
  }

  /** How it went: requests answered with the expected status per second, and the others. */
  record Result(double perSecond, long ok, long other, long failed) {
  }

  private ClosedLoad() {
  }

  static Result run(URI base, int clients, Duration duration, int expectedStatus, LongFunction<Request> requests)
      throws InterruptedException {
    ConnectionProvider connections = ConnectionProvider.builder("bench-closed").maxConnections(clients).build();
    HttpClient http = HttpClient.create(connections).baseUrl(base.toString()).responseTimeout(Duration.ofSeconds(30));
    AtomicLong next = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong other = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    CountDownLatch finished = new CountDownLatch(clients);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      post(http, requests, next, end, expectedStatus, ok, other, failed, finished);
    }
    finished.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    connections.disposeLater().block(Duration.ofSeconds(10));
    return new Result(ok.get() / seconds, ok.get(), other.get(), failed.get());
  }

  private static void post(HttpClient http, LongFunction<Request> requests, AtomicLong next, long end, int expected,
      AtomicLong ok, AtomicLong other, AtomicLong failed, CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    Request request = requests.apply(next.getAndIncrement());
    http.headers(request.headers()).post().uri(request.path()).send(ByteBufMono.fromString(Mono.just(request.body())))
        .responseSingle((response, content) -> content.asString().defaultIfEmpty("").thenReturn(response.status().code()))
        .subscribe(status -> {
          (status == expected ? ok : other).incrementAndGet();
          post(http, requests, next, end, expected, ok, other, failed, finished);
        }, error -> {
          failed.incrementAndGet();
          post(http, requests, next, end, expected, ok, other, failed, finished);
        });
  }
}
