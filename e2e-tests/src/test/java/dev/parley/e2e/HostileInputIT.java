package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.DeadLetter;
import dev.parley.events.InboundMessage;
import dev.parley.events.ReplyFailure;
import dev.parley.events.ReplyStatus;
import dev.parley.schemas.Topics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Hostile and broken input, generated ({@link HostileBodies}, at least 150 bodies per endpoint
 * family): every answer is a 2xx or a clear 4xx problem+json, never a 5xx, and what was accepted
 * goes through the pipeline without failing anywhere downstream — every accepted message is
 * answered by the assistant (no fallback), no dead letter, no reply failure.
 */
class HostileInputIT {

  private static final int PER_FAMILY = 150;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TENANT = Pipeline.FUZZ_TENANT;

  private static String customer;
  private static String agent;
  private static String admin;
  private static String chatConversation;
  private static String supportConversation;

  /** A request sent and what came back. */
  private record Sent(String family, String kind, int status, String contentType, String body) {
  }

  @BeforeAll
  static void parties() {
    var stack = Pipeline.stack();
    customer = stack.tokens().mint(TENANT, "fuzz-customer", Duration.ofHours(1));
    agent = stack.tokens().mintAgent(TENANT, "fuzz-agent", Duration.ofHours(1));
    admin = stack.tokens().mintAdmin(TENANT, "fuzz-admin", Duration.ofHours(1));
    var client = new Client(stack.ingressUrl(), customer);
    chatConversation = "fuzz-chat-" + UUID.randomUUID();
    supportConversation = "fuzz-support-" + UUID.randomUUID();
    assertThat(client.chat("{\"message\":\"hello\",\"conversationId\":\"" + chatConversation + "\"}").status()).isEqualTo(200);
    assertThat(client.chat("{\"message\":\"hello\",\"conversationId\":\"" + supportConversation + "\"}").status()).isEqualTo(200);
  }

  @Test
  void shouldAnswerEveryHostileBodyWithASuccessOrAClearProblemAndNeverFailDownstream() throws Exception {
    HostileBodies bodies = new HostileBodies(20261202L);
    List<Sent> sent = new ArrayList<>();
    Set<String> acceptedChats = new HashSet<>();

    for (var body : bodies.from(fields("message", "\"Is the RAV4 in stock?\"", "conversationId", "\"" + chatConversation + "\"",
        "channel", "{\"type\":\"WEB\",\"metadata\":{\"page\":\"/inventory\"}}"), PER_FAMILY)) {
      Sent result = send("chat", body, "POST", "/ai/chat", customer, "Prefer", "respond-async");
      sent.add(result);
      if (result.status() == 202) {
        acceptedChats.add(Client.JSON.readTree(result.body()).get("messageId").asString());
      }
    }
    for (var body : bodies.from(fields("message", "\"What APR for 60 months?\""), PER_FAMILY)) {
      sent.add(send("analyze", body, "POST", "/ai/analyze-intent", customer));
    }
    for (var body : bodies.from(fields("query", "\"financing\"", "filters", "{\"category\":\"financing\",\"tags\":[\"apr\"]}",
        "limit", "5"), PER_FAMILY)) {
      sent.add(send("knowledge-search", body, "POST", "/ai/knowledge-base/search", customer));
    }
    for (var body : bodies.from(fields("title", "\"Winter tires\"", "text", "\"Winter tires cost 1,200 dollars installed.\"",
        "category", "\"accessories\"", "tags", "[\"winter\"]", "source", "\"desk\""), PER_FAMILY)) {
      sent.add(send("knowledge-documents", body, "POST", "/ai/knowledge-base/documents", admin));
    }
    for (var body : bodies.from(fields("customerName", "\"Dana Reyes\"", "status", "\"ACTIVE\"", "stage", "\"qualifying\""), PER_FAMILY)) {
      sent.add(send("conversation-patch", body, "PATCH", "/ai/conversations/" + supportConversation, agent));
    }
    for (var body : bodies.from(fields("conversationId", "\"" + supportConversation + "\"", "rating", "4", "comment", "\"quick\"",
        "categories", "[\"speed\"]"), PER_FAMILY)) {
      sent.add(send("feedback", body, "POST", "/ai/feedback", customer));
    }
    for (var body : bodies.from(fields("conversationId", "\"" + supportConversation + "\"", "reason", "\"wants a person\"",
        "priority", "\"high\"", "category", "\"billing\""), PER_FAMILY)) {
      sent.add(send("escalate", body, "POST", "/ai/escalate", customer));
    }
    for (var body : bodies.from(fields("text", "\"Hi, Sam here.\"", "mediaUrl", "\"https://cdn.example.com/a.pdf\"",
        "template", "{\"id\":\"tpl-1\",\"values\":[\"Dana\"]}"), PER_FAMILY)) {
      sent.add(send("agent-message", body, "POST", "/ai/conversations/" + supportConversation + "/agent-messages", agent));
    }
    for (var body : bodies.from(fields("url", "\"https://crm.example.com/hook\"", "events", "[\"reply\"]"), PER_FAMILY)) {
      Sent result = send("webhooks", body, "POST", "/ai/webhooks", admin);
      sent.add(result);
      if (result.status() == 201) { // a registration that got through is taken away again
        send("webhooks", new HostileBodies.Body("cleanup", new byte[0]), "DELETE",
            "/ai/webhooks/" + Client.JSON.readTree(result.body()).get("id").asString(), admin);
      }
    }
    for (String literal : HostileBodies.HOSTILE_STRINGS) {
      // Values up to 1,000 characters: a longer request line is refused by the HTTP server itself (414, below).
      String value = Client.JSON.readTree("[" + literal + "]").get(0).asString();
      for (String query : List.of("customer=", "status=", "language=", "temperature=", "updatedSince=", "limit=", "offset=")) {
        sent.add(send("conversation-list", new HostileBodies.Body(query, new byte[0]), "GET",
            "/ai/conversations?" + query + URLEncoder.encode(value.length() > 1_000 ? value.substring(0, 1_000) : value,
                StandardCharsets.UTF_8), agent));
      }
    }
    assertThat(send("conversation-list", new HostileBodies.Body("long URI", new byte[0]), "GET",
        "/ai/conversations?customer=" + "x".repeat(20_000), agent).status()).as("a request line over 4 KB").isEqualTo(414);
    List<String> acceptedWhatsApp = whatsApp(bodies, sent);

    assertThat(sent.stream().filter(s -> s.status() >= 500))
        .as("no hostile body answers 5xx").isEmpty();
    assertThat(sent.stream().filter(s -> s.status() >= 400 && !s.contentType().startsWith("application/problem+json")))
        .as("every refusal is problem+json").isEmpty();
    Map<String, Long> perFamily = new LinkedHashMap<>();
    sent.forEach(s -> perFamily.merge(s.family(), 1L, Long::sum));
    assertThat(perFamily.values()).as("at least %d bodies per family: %s", PER_FAMILY, perFamily)
        .allMatch(count -> count >= PER_FAMILY);
    assertThat(sent).as("the hostile strings that are fine text get through").anyMatch(s -> s.family().equals("chat") && s.status() == 202)
        .anyMatch(s -> s.kind().startsWith("string message") && s.status() == 400);

    // Downstream: everything accepted was answered by the assistant, nothing failed or died.
    Set<String> expected = new HashSet<>(acceptedChats);
    expected.addAll(acceptedWhatsApp);
    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getTenantId().equals(TENANT),
        found -> found.stream().flatMap(r -> r.getMessageIds().stream()).toList().containsAll(expected), WAIT);
    assertThat(replies.stream().filter(r -> r.getStatus() == ReplyStatus.FALLBACK)).as("no accepted message failed downstream").isEmpty();
    assertThat(TopicReader.read(Topics.DEAD_LETTERS, d -> d.getKey() != null && d.getKey().startsWith(TENANT + ":"),
        found -> false, Duration.ofSeconds(3))).extracting(DeadLetter::getReason).isEmpty();
    assertThat(TopicReader.read(Topics.REPLY_FAILURES, f -> f.getTenantId().equals(TENANT), found -> false, Duration.ofSeconds(3)))
        .extracting(ReplyFailure::getCause).isEmpty();
  }

  @Test
  void shouldKeepTheWebSocketOpenAndAnswerEveryHostileChatMessage() throws Exception {
    HostileBodies bodies = new HostileBodies(42L);
    List<HostileBodies.Body> all = bodies.from(fields("type", "\"chat_message\"", "message", "\"Is the RAV4 in stock?\"",
        "conversationId", "\"" + chatConversation + "\""), PER_FAMILY);
    // A frame over the limit (64 KB) closes the socket at once, the protocol's own error.
    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), customer)) {
      socket.send("{\"type\":\"chat_message\",\"message\":\"" + "x".repeat(70_000) + "\"}");
      assertThat(socket.closeStatus(Duration.ofSeconds(10))).as("closed by the protocol: message too big or protocol error")
          .isIn(1002, 1009);
    }
    try (var socket = ChatSocket.open(Pipeline.stack().ingressUrl(), customer)) {
      int sent = 0;
      for (var body : all) {
        if (body.bytes().length <= 64 * 1024) {
          socket.send(body.text());
          sent++;
        }
      }
      socket.send("{\"type\":\"ping\",\"sentAt\":1}");
      List<JsonNode> received = socket.drain(Duration.ofSeconds(5));

      assertThat(socket.isOpen()).as("no hostile message closes the socket").isTrue();
      assertThat(received).extracting(m -> m.get("type").asString())
          .as("every message answered: an error saying why, or taken (typing)")
          .filteredOn(type -> type.equals("error") || type.equals("typing_indicator")).hasSizeGreaterThanOrEqualTo(sent);
      assertThat(received).anyMatch(m -> m.get("type").asString().equals("connection_status") && m.has("latencyMs"));
    }
  }

  /** WhatsApp webhooks: the provider signs whatever it sends, so these get past the signature. */
  private static List<String> whatsApp(HostileBodies bodies, List<Sent> sent) {
    String batch = UUID.randomUUID().toString().substring(0, 8);
    List<String> accepted = new ArrayList<>();
    int n = 0;
    for (var message : bodies.from(fields("messageId", "\"" + batch + "\"", "chatId", "\"15125550100\"", "type", "\"text\"",
        "text", "\"Is the RAV4 in stock?\"", "isEcho", "false"), PER_FAMILY)) {
      // A unique id for each message whose id the mutation left alone, so each is its own message.
      String text = message.text().replace("\"" + batch + "\"", "\"" + batch + "-" + n++ + "\"");
      byte[] body = ("{\"messages\":[" + text + "]}").getBytes(StandardCharsets.UTF_8);
      if (message.kind().equals("invalid UTF-8")) {
        body = message.bytes();
      }
      HttpResponse<String> response = WhatsAppWebhook.post(Pipeline.FUZZ_CHANNEL, body, WhatsAppWebhook.sign(body));
      sent.add(new Sent("whatsapp", message.kind(), response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""), response.body()));
    }
    // Which were published: read them back (text that is blank is acknowledged, not a turn).
    List<InboundMessage> published = TopicReader.read(Topics.INBOUND_MESSAGES,
        m -> m.getTenantId().equals(TENANT) && m.getMessageId().startsWith("wazzup:" + batch), found -> false, Duration.ofSeconds(3));
    published.forEach(m -> accepted.add(m.getMessageId()));
    return accepted;
  }

  private static Map<String, String> fields(String... namesAndLiterals) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndLiterals.length; i += 2) {
      fields.put(namesAndLiterals[i], namesAndLiterals[i + 1]);
    }
    return fields;
  }

  private static Sent send(String family, HostileBodies.Body body, String method, String path, String token, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    if (!method.equals("GET") && !method.equals("DELETE")) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.method(method, body.bytes().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Sent(family, body.kind(), response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (Exception e) {
      throw new IllegalStateException(family + " " + body.kind() + ": " + e, e);
    }
  }
}
