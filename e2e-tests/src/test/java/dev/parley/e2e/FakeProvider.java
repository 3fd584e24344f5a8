package dev.parley.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A local stand-in for what Parley calls outside itself — the WhatsApp provider's send-message
 * API and tenants' webhook receivers — over real HTTP. It records every request and can fail on
 * demand.
 */
final class FakeProvider implements AutoCloseable {

  /**
   * One request as received ({@code receivedNanos} on this JVM's {@link System#nanoTime()} clock),
   * with the status it was answered with (0: left hanging, never answered in time).
   */
  record Request(String path, Map<String, List<String>> headers, String body, int status, long receivedNanos) {
    JsonNode json() {
      return Client.JSON.readTree(body);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failingStatus = new AtomicInteger(0);
  private final Map<String, Integer> failingPaths = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> hangingPaths = ConcurrentHashMap.newKeySet();

  FakeProvider() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      long received = System.nanoTime();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      if (hangingPaths.contains(path)) {
        requests.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body, 0, received));
        hang(path);
        exchange.sendResponseHeaders(504, -1); // long after the caller gave up
        exchange.close();
        return;
      }
      int status = failingPaths.getOrDefault(path, failingStatus.get() == 0 ? 200 : failingStatus.get());
      requests.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body, status, received));
      byte[] answer = (status == 200 ? "{\"messageId\":\"wz-" + requests.size() + "\"}" : "{\"error\":\"failing on purpose\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.setExecutor(Executors.newCachedThreadPool()); // a hanging request holds only its own thread
    server.start();
  }

  /** Holds the request until the path recovers, or a minute passed. */
  private void hang(String path) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (hangingPaths.contains(path) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answer every request with this status until {@link #recover()}. */
  void failWith(int status) {
    failingStatus.set(status);
  }

  /** Answer requests to this path with this status until {@link #recover()}. */
  void failWith(int status, String path) {
    failingPaths.put(path, status);
  }

  /** Never answer requests to this path (a receiver that hangs) until {@link #recover()}. */
  void hangOn(String path) {
    hangingPaths.add(path);
  }

  void recover() {
    failingStatus.set(0);
    failingPaths.clear();
    hangingPaths.clear();
  }

  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Waits up to a minute until at least {@code count} requests to the path match, and returns those. */
  List<Request> await(String path, java.util.function.Predicate<Request> which, int count) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    List<Request> found = List.of();
    while (System.nanoTime() < deadline) {
      found = requests(path).stream().filter(which).toList();
      if (found.size() >= count) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("expected " + count + " matching requests to " + path + ", got " + found.size());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
