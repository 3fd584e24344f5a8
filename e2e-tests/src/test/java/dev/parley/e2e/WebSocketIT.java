package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.devstack.SampleData;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The chat over a WebSocket, as a browser client uses it, on one and on two ingress instances. */
class WebSocketIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shouldStreamTypingChunksInOrderAndTheFinalResponse() throws Exception {
    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), token())) {
      assertThat(socket.next(m -> true).get("type").asString()).isEqualTo("connection_status");
      String conversation = "ws-" + UUID.randomUUID();

      socket.send("{\"type\":\"chat_message\",\"message\":\"How long does a test drive take?\",\"conversationId\":\"" + conversation + "\"}");

      assertThat(socket.next(m -> m.get("type").asString().equals("typing_indicator")).get("conversationId").asString())
          .isEqualTo(conversation);
      List<JsonNode> chunks = new ArrayList<>();
      JsonNode response;
      while (true) {
        JsonNode event = socket.next(m -> m.get("type").asString().matches("reply_chunk|assistant_response"));
        if (event.get("type").asString().equals("assistant_response")) {
          response = event.get("response");
          break;
        }
        chunks.add(event);
      }
      assertThat(chunks).extracting(c -> c.get("sequence").asInt())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
      assertThat(String.join("", chunks.stream().map(c -> c.get("text").asString()).toList())).isEqualTo(response.get("reply").asString());
      assertThat(response.get("intent").asString()).isNotBlank();
      assertThat(response.get("processingTimeMs").asLong()).isPositive();
    }
  }

  @Test
  void shouldResumeAfterReconnectWithWhatWasMissed() throws Exception {
    String conversation = "ws-" + UUID.randomUUID();
    List<JsonNode> firstRun = new ArrayList<>();
    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), token())) {
      socket.send("{\"type\":\"chat_message\",\"message\":\"What APR can I get with a 720 credit score?\",\"conversationId\":\"" + conversation + "\"}");
      while (true) {
        JsonNode event = socket.next(m -> m.get("type").asString().matches("reply_chunk|assistant_response"));
        firstRun.add(event);
        if (event.get("type").asString().equals("assistant_response")) {
          break;
        }
      }
    }
    assertThat(firstRun).hasSizeGreaterThan(2);
    String lastSeen = firstRun.get(0).get("eventId").asString(); // as if the connection dropped after the first chunk

    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), token())) {
      socket.send("{\"type\":\"resume\",\"conversationId\":\"" + conversation + "\",\"after\":\"" + lastSeen + "\"}");
      List<String> missed = new ArrayList<>();
      while (missed.size() < firstRun.size() - 1) {
        missed.add(socket.next(m -> m.get("type").asString().matches("reply_chunk|assistant_response")).get("eventId").asString());
      }
      assertThat(missed).containsExactlyElementsOf(firstRun.subList(1, firstRun.size()).stream().map(e -> e.get("eventId").asString()).toList());
    }
  }

  @Test
  void shouldDeliverThroughWhicheverIngressInstanceHoldsTheSocket() throws Exception {
    var stack = Pipeline.stack();
    URI second = stack.startInstance("ingress-service", "ingress-service-2");
    try (var socket = ChatSocket.open(second, token())) {
      socket.send("{\"type\":\"chat_message\",\"message\":\"When is the showroom open?\",\"conversationId\":\"ws-" + UUID.randomUUID() + "\"}");
      JsonNode response = socket.next(m -> m.get("type").asString().matches("assistant_response|error"));
      assertThat(response.get("type").asString()).as(response.toString()).isEqualTo("assistant_response");
      assertThat(response.get("response").get("reply").asString()).isNotBlank();
    } finally {
      stack.stopInstance("ingress-service-2");
    }
  }

  @Test
  void shouldAnswerErrorsOnTheSocketAndRefuseHandshakeWithoutToken() throws Exception {
    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), token())) {
      socket.send("{\"type\":\"chat_message\",\"message\":\"   \"}");
      assertThat(socket.next(m -> m.get("type").asString().equals("error")).get("detail").asString()).contains("message is required");
      socket.send("not json");
      assertThat(socket.next(m -> m.get("type").asString().equals("error")).get("detail").asString()).contains("malformed JSON");
    }
    assertThatThrownBy(() -> ChatSocket.open(Pipeline.stack().ingressUrl(), "not-a-token")).hasMessageContaining("401");
  }

  private static String token() {
    return Pipeline.stack().tokens().mint(SampleData.TENANT, "ws-user", Duration.ofHours(1));
  }
}
