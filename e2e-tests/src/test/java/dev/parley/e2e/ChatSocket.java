package dev.parley.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** A WebSocket client of {@code /ai/ws}, as a browser uses it, collecting the server's JSON messages. */
final class ChatSocket implements WebSocket.Listener, AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;
  private final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();

  static ChatSocket open(URI ingress, String token) throws Exception {
    ChatSocket client = new ChatSocket();
    URI uri = URI.create("ws://" + ingress.getHost() + ":" + ingress.getPort() + "/ai/ws?access_token=" + token);
    try {
      client.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, client).get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
        throw new IllegalStateException("handshake refused with " + refused.getResponse().statusCode(), refused);
      }
      throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
    }
    return client;
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  JsonNode next(Predicate<JsonNode> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode message = received.poll(500, TimeUnit.MILLISECONDS);
      if (message != null && wanted.test(message)) {
        return message;
      }
    }
    throw new AssertionError("no matching message in time");
  }

  /** Everything the server sends within a while. */
  java.util.List<JsonNode> drain(Duration listen) throws InterruptedException {
    java.util.List<JsonNode> all = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + listen.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode message = received.poll(100, TimeUnit.MILLISECONDS);
      if (message != null) {
        all.add(message);
      }
    }
    return all;
  }

  /** The status the server closed the socket with (1009: message too big), waiting up to a while. */
  int closeStatus(Duration wait) throws Exception {
    return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  boolean isOpen() {
    return !socket.isInputClosed() && !socket.isOutputClosed();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(Client.JSON.readTree(partial.toString()));
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null).join();
    }
  }
}
