package dev.parley.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of Parley's HTTP API, as an integrator would write it. */
final class Client {

  static final JsonMapper JSON = JsonMapper.builder().build();
  // HTTP/1.1: the default upgrade attempt to h2c is not what clients of this API do, and a
  // refused request (401) with an unread body must not leave the upgrade hanging.
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Response(int status, String contentType, JsonNode body, String raw) {
  }

  /** One server-sent event. */
  record Event(String name, String id, JsonNode data) {
  }

  private final URI base;
  private final String token;

  Client(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** A plain HTTP exchange with the API. */
  record Http(int status, String contentType, String body) {
    JsonNode json() {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    }

    boolean isProblem() {
      return contentType.startsWith("application/problem+json");
    }
  }

  Http get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  /** A GET with headers (name, value, name, value, ...): {@code Accept} and the like. */
  Http get(String path, String... headers) {
    return send(HttpRequest.newBuilder(base.resolve(path)).headers(headers).GET());
  }

  Http post(String path, String json) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Http put(String path, String json) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Http delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  Http patch(String path, String json) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** GETs the path until it answers 200 with a body the condition accepts (state is eventually consistent). */
  JsonNode poll(String path, java.util.function.Predicate<JsonNode> ready) {
    return poll(path, ready, Duration.ofSeconds(30));
  }

  JsonNode poll(String path, java.util.function.Predicate<JsonNode> ready, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Http last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (last.status() == 200 && ready.test(last.json())) {
        return last.json();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("not ready: " + (last == null ? "no answer" : last.status() + " " + last.body()));
  }

  private Http send(HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Http(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response chat(String json, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/ai/chat"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String raw = response.body();
      JsonNode body = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
      return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads an SSE stream until the server ends it (or the timeout). Heartbeat comments are skipped. */
  List<Event> stream(String path, Duration timeout) {
    return stream(path, timeout, false);
  }

  /**
   * Reads an SSE stream for a while and returns what came, for streams that do not end by
   * themselves (a whole conversation's).
   */
  List<Event> streamFor(String path, Duration listen) {
    return stream(path, listen, true);
  }

  private List<Event> stream(String path, Duration timeout, boolean stopAtTimeout) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
    List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("stream answered " + response.statusCode());
      }
      if (stopAtTimeout) {
        java.util.concurrent.CompletableFuture.delayedExecutor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .execute(() -> {
              try {
                response.body().close();
              } catch (IOException ignored) {
                // closing is all we want
              }
            });
      }
      try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(name, id, JSON.readTree(data.toString())));
            }
            name = null;
            id = null;
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      }
      return events;
    } catch (IOException e) {
      if (stopAtTimeout) {
        return List.copyOf(events); // closed at the deadline
      }
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
