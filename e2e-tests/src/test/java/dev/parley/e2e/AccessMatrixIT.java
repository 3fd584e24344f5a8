package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Who may see and do what, as a matrix: every endpoint ingress serves (and the WebSocket and SSE
 * streams) called by a customer, another customer of the same tenant, an agent, an admin of
 * another tenant, nobody, a Parley service, and the tenant's admin. Each cell asserts the status and
 * that nothing of the other party comes back. An endpoint ingress serves without a row here fails
 * the build ({@link #shouldHaveARowForEveryEndpointIngressServes}).
 */
class AccessMatrixIT {

  /** The callers, in the order each row calls them (the admin last: its calls delete what others tried to). */
  enum Party { CUSTOMER, OTHER_CUSTOMER, AGENT, OTHER_TENANT, ANONYMOUS, SERVICE, ADMIN }

  /** One endpoint: its method and pattern as ingress maps it, a concrete call, and each party's status. */
  record Row(String method, String pattern, String path, String body, Map<Party, Integer> expected, String... headers) {
    String signature() {
      return method + " " + pattern;
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String OTHER_TENANT = "matrix-other";

  private static final Map<Party, String> tokens = new EnumMap<>(Party.class);
  private static String conversationA;
  private static String conversationB;
  private static String markerA;
  private static String markerB;
  private static String messageA;
  private static String webhookId;
  private static String webhookUrl;
  private static Instant since;

  @BeforeAll
  static void parties() {
    var stack = Pipeline.stack();
    String tenant = SampleData.TENANT;
    tokens.put(Party.CUSTOMER, stack.tokens().mint(tenant, "c-1001", Duration.ofHours(1)));
    tokens.put(Party.OTHER_CUSTOMER, stack.tokens().mint(tenant, "c-1002", Duration.ofHours(1)));
    tokens.put(Party.AGENT, stack.tokens().mintAgent(tenant, "matrix-agent", Duration.ofHours(1)));
    tokens.put(Party.ADMIN, stack.tokens().mintAdmin(tenant, "matrix-admin", Duration.ofHours(1)));
    tokens.put(Party.OTHER_TENANT, stack.tokens().mintAdmin(OTHER_TENANT, "matrix-admin", Duration.ofHours(1)));
    tokens.put(Party.SERVICE, stack.serviceToken());
    since = Instant.now().minusSeconds(1);
    String run = UUID.randomUUID().toString().substring(0, 8);
    conversationA = "matrix-a-" + run;
    conversationB = "matrix-b-" + run;
    markerA = "marker-a-" + run;
    markerB = "marker-b-" + run;
    var a = new Client(stack.ingressUrl(), tokens.get(Party.CUSTOMER)).chat(
        "{\"message\":\"" + markerA + " is the RAV4 in stock?\",\"conversationId\":\"" + conversationA + "\"}");
    assertThat(a.status()).as(a.raw()).isEqualTo(200);
    messageA = a.body().get("messageId").asString();
    assertThat(new Client(stack.ingressUrl(), tokens.get(Party.OTHER_CUSTOMER)).chat(
        "{\"message\":\"" + markerB + " what about financing?\",\"conversationId\":\"" + conversationB + "\"}").status()).isEqualTo(200);
    var staff = new Client(stack.ingressUrl(), tokens.get(Party.AGENT));
    staff.poll("/ai/customers/c-1001/profile", profile -> true);
    staff.poll("/ai/conversations/" + conversationA + "/transcript", transcript -> true); // indexed a moment after the reply
    webhookUrl = "https://crm.example.com/" + markerA;
    var registered = new Client(stack.ingressUrl(), tokens.get(Party.ADMIN)).post("/ai/webhooks", "{\"url\":\"" + webhookUrl + "\"}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    webhookId = registered.json().get("id").asString();
  }

  /** customer, other customer, agent, other tenant's admin, admin; nobody and a service get 401. */
  private static Map<Party, Integer> expect(int customer, int otherCustomer, int agent, int otherTenant, int admin) {
    return expect(customer, otherCustomer, agent, otherTenant, 401, 401, admin);
  }

  private static Map<Party, Integer> expect(int customer, int otherCustomer, int agent, int otherTenant, int anonymous, int service,
      int admin) {
    Map<Party, Integer> cells = new EnumMap<>(Party.class);
    cells.put(Party.CUSTOMER, customer);
    cells.put(Party.OTHER_CUSTOMER, otherCustomer);
    cells.put(Party.AGENT, agent);
    cells.put(Party.OTHER_TENANT, otherTenant);
    cells.put(Party.ANONYMOUS, anonymous);
    cells.put(Party.SERVICE, service);
    cells.put(Party.ADMIN, admin);
    return cells;
  }

  static List<Row> rows() {
    String conversation = "/ai/conversations/" + conversationA;
    String async = "respond-async";
    return List.of(
        new Row("GET", "/ai/conversations", "/ai/conversations?limit=200&updatedSince=" + since, null, expect(200, 200, 200, 200, 200)),
        new Row("GET", "/ai/conversations/{conversationId}", conversation, null, expect(200, 404, 200, 404, 200)),
        new Row("GET", "/ai/conversations/{conversationId}/transcript", conversation + "/transcript", null, expect(200, 404, 200, 404, 200)),
        new Row("GET", "/ai/conversations/{conversationId}/stream", conversation + "/stream?messageId=" + messageA, null,
            expect(200, 404, 200, 200, 200)),
        new Row("PATCH", "/ai/conversations/{conversationId}", conversation, "{\"customerName\":\"Maria Lopez\"}",
            expect(202, 404, 202, 404, 202)),
        new Row("PATCH", "/ai/conversations/{conversationId}", conversation, "{\"stage\":\"qualifying\"}",
            expect(403, 403, 202, 404, 409)),
        new Row("POST", "/ai/feedback", "/ai/feedback", "{\"conversationId\":\"" + conversationA + "\",\"rating\":5}",
            expect(202, 404, 202, 404, 202)),
        new Row("POST", "/ai/conversations/{conversationId}/agent-messages", conversation + "/agent-messages", "{\"text\":\"hello\"}",
            expect(403, 403, 409, 404, 409)),
        new Row("POST", "/ai/escalate", "/ai/escalate", "{\"conversationId\":\"" + conversationA + "\",\"reason\":\"a person\"}",
            expect(202, 404, 202, 404, 202)),
        new Row("GET", "/ai/customers/{customerKey}/profile", "/ai/customers/c-1001/profile", null, expect(403, 403, 200, 404, 200)),
        new Row("GET", "/ai/leads", "/ai/leads?temperature=COLD&limit=200", null, expect(403, 403, 200, 200, 200)),
        new Row("GET", "/metrics", "/metrics", null, expect(403, 403, 200, 200, 200)),
        new Row("GET", "/metrics/historical", "/metrics/historical?granularity=minute&from=" + since, null, expect(403, 403, 200, 200, 200)),
        new Row("POST", "/ai/analytics-overview", "/ai/analytics-overview",
            "{\"timeRange\":\"last_24_hours\",\"includeComparisons\":true,\"includeInsights\":true}", expect(403, 403, 200, 200, 200)),
        new Row("GET", "/ai/pipeline", "/ai/pipeline?timeRange=last_7_days", null, expect(403, 403, 200, 200, 200)),
        new Row("POST", "/ai/knowledge-base/documents", "/ai/knowledge-base/documents",
            "{\"title\":\"Matrix\",\"text\":\"A document only admins may write.\"}", expect(403, 403, 403, 202, 202)),
        new Row("POST", "/ai/knowledge-base/search", "/ai/knowledge-base/search", "{\"query\":\"financing\"}",
            expect(200, 200, 200, 200, 200)),
        new Row("POST", "/ai/analyze-intent", "/ai/analyze-intent", "{\"message\":\"what APR can I get?\"}",
            expect(200, 200, 200, 200, 200)),
        new Row("POST", "/ai/webhooks", "/ai/webhooks", "{\"url\":\"https://crm.example.com/hook-" + UUID.randomUUID() + "\"}",
            expect(403, 403, 403, 201, 201)),
        new Row("GET", "/ai/webhooks", "/ai/webhooks", null, expect(403, 403, 403, 200, 200)),
        new Row("DELETE", "/ai/webhooks/{id}", "/ai/webhooks/" + webhookId, null, expect(403, 403, 403, 404, 204)),
        new Row("GET", "/ai/alert-rules", "/ai/alert-rules", null, expect(403, 403, 403, 200, 200)),
        new Row("PUT", "/ai/alert-rules", "/ai/alert-rules",
            "{\"rules\":[{\"name\":\"errors\",\"metric\":\"error_rate\",\"threshold\":0.2}]}", expect(403, 403, 403, 200, 200)),
        new Row("DELETE", "/ai/alert-rules", "/ai/alert-rules", null, expect(403, 403, 403, 204, 204)),
        new Row("GET", "/ai/admin/failed-deliveries", "/ai/admin/failed-deliveries", null, expect(403, 403, 403, 200, 200)),
        new Row("POST", "/ai/admin/failed-deliveries/{id}/redrive", "/ai/admin/failed-deliveries/999999999/redrive", "",
            expect(403, 403, 403, 404, 404)),
        new Row("GET", "/ai/admin/dead-letters", "/ai/admin/dead-letters?all=true", null, expect(403, 403, 403, 200, 200)),
        new Row("GET", "/ai/admin/export", "/ai/admin/export?from=" + since, null, expect(403, 403, 403, 200, 200)),
        new Row("POST", "/ai/admin/replay", "/ai/admin/replay", "{\"from\":\"" + since + "\",\"name\":\"matrix\"}",
            expect(403, 403, 403, 200, 200)),
        new Row("POST", "/ai/admin/dead-letters/{id}/redrive", "/ai/admin/dead-letters/no-such-letter/redrive", "",
            expect(403, 403, 403, 404, 404)),
        // A bearer token opens nothing here: only the provider's signature does.
        new Row("POST", "/webhooks/wazzup/{channel}", "/webhooks/wazzup/" + Pipeline.WHATSAPP_CHANNEL, "{\"messages\":[]}",
            expect(401, 401, 401, 401, 401, 401, 401)),
        new Row("GET", "/actuator/health", "/actuator/health", null, expect(200, 200, 200, 200, 200, 200, 200)),
        new Row("GET", "/actuator/mappings", "/actuator/mappings", null, expect(401, 401, 401, 401, 401, 200, 401)),
        // Prometheus shows a token of its own (PrometheusScrapeIT); of the parties here only a service may scrape.
        new Row("GET", "/actuator/prometheus", "/actuator/prometheus", null, expect(401, 401, 401, 401, 401, 200, 401)),
        // Last: a chat of the other tenant's admin starts a conversation of that id in their own tenant.
        new Row("POST", "/ai/chat", "/ai/chat", "{\"message\":\"hello again\",\"conversationId\":\"" + conversationA + "\"}",
            expect(202, 404, 404, 202, 404), "Prefer", async),
        new Row("POST", "/ai/chat", "/ai/chat", "{\"message\":\"about my deal\",\"dealId\":\"d-2001\"}",
            expect(202, 403, 202, 403, 202), "Prefer", async),
        new Row("POST", "/ai/chat", "/ai/chat", "{\"message\":\"as someone else\",\"customerId\":\"c-1001\"}",
            expect(202, 403, 202, 202, 202), "Prefer", async));
  }

  @Test
  void shouldGiveEachRoleExactlyItsAccessOnEveryEndpointAndNothingOfAnotherParty() {
    SoftAssertions cells = new SoftAssertions();
    for (Row row : rows()) {
      for (Party party : Party.values()) {
        Answer answer = call(row, party);
        String cell = row.signature() + " (" + row.path() + ") as " + party;
        cells.assertThat(answer.status()).as(cell + ": " + answer.body()).isEqualTo(row.expected().get(party));
        if (answer.status() >= 400 && !row.path().startsWith("/actuator")) {
          cells.assertThat(answer.contentType()).as(cell + " is problem+json").startsWith("application/problem+json");
        }
        for (String secret : notTheirs(party)) {
          cells.assertThat(answer.body()).as(cell + " shows nothing of another party").doesNotContain(secret);
        }
        if (party == Party.ADMIN && answer.status() == 201) { // clean up what this row registered
          call(new Row("DELETE", "", "/ai/webhooks/" + Client.JSON.readTree(answer.body()).get("id").asString(), null, Map.of()), party);
        }
        if (party == Party.OTHER_TENANT && answer.status() == 201) {
          call(new Row("DELETE", "", "/ai/webhooks/" + Client.JSON.readTree(answer.body()).get("id").asString(), null, Map.of()), party);
        }
      }
    }
    cells.assertAll();
  }

  @Test
  void shouldShowCustomersOnlyTheirOwnConversationsAndNotTheSalesTeamsReadingOfThem() {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), tokens.get(Party.CUSTOMER));
    JsonNode list = customer.get("/ai/conversations?limit=200").json();
    JsonNode own = customer.get("/ai/conversations/" + conversationA).json();
    JsonNode staffView = new Client(stack.ingressUrl(), tokens.get(Party.AGENT)).get("/ai/conversations/" + conversationA).json();

    assertThat(list.get("items")).isNotEmpty().allSatisfy(item -> assertThat(item.has("userId")).isFalse());
    assertThat(list.toString()).contains(conversationA).doesNotContain(conversationB);
    assertThat(own.has("leadTemperature") || own.has("intentsSeen") || own.has("entitiesSeen") || own.has("frustration")).isFalse();
    assertThat(own.get("messages").toString()).contains(markerA);
    assertThat(staffView.has("intentsSeen")).isTrue();
    assertThat(customer.get("/ai/conversations?customer=c-1002").status()).as("customers cannot search others").isEqualTo(403);
  }

  @Test
  void shouldLetOnlyTheOwnerAndStaffFollowAConversationOverTheWebSocket() throws Exception {
    var stack = Pipeline.stack();
    String resume = "{\"type\":\"resume\",\"conversationId\":\"" + conversationA + "\"}";
    try (var owner = ChatSocket.open(stack.ingressUrl(), tokens.get(Party.CUSTOMER));
        var other = ChatSocket.open(stack.ingressUrl(), tokens.get(Party.OTHER_CUSTOMER));
        var otherTenant = ChatSocket.open(stack.ingressUrl(), tokens.get(Party.OTHER_TENANT));
        var agent = ChatSocket.open(stack.ingressUrl(), tokens.get(Party.AGENT))) {
      for (var socket : List.of(owner, other, otherTenant, agent)) {
        socket.send(resume);
      }
      List<JsonNode> ownerSaw = owner.drain(Duration.ofSeconds(3));
      List<JsonNode> otherSaw = other.drain(Duration.ofSeconds(1));
      List<JsonNode> otherTenantSaw = otherTenant.drain(Duration.ofSeconds(1));
      List<JsonNode> agentSaw = agent.drain(Duration.ofSeconds(1));

      assertThat(ownerSaw).anyMatch(m -> m.get("type").asString().equals("assistant_response"));
      assertThat(agentSaw).anyMatch(m -> m.get("type").asString().equals("assistant_response"));
      assertThat(otherSaw).anyMatch(m -> m.get("type").asString().equals("error") && m.get("status").asInt() == 404)
          .noneMatch(m -> m.get("type").asString().matches("reply_chunk|assistant_response"));
      // (The other tenant may have a conversation of the same id of its own: what it sees is never A's.)
      assertThat(otherSaw.toString() + otherTenantSaw).doesNotContain(markerA).doesNotContain(messageA);
    }
    for (String refused : List.of("", stack.serviceToken())) {
      try {
        ChatSocket.open(stack.ingressUrl(), refused).close();
        throw new AssertionError("the handshake should have been refused");
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("401");
      }
    }
  }

  @Test
  void shouldHaveARowForEveryEndpointIngressServes() {
    var mappings = new Client(Pipeline.stack().ingressUrl(), Pipeline.stack().serviceToken()).get("/actuator/mappings");
    assertThat(mappings.status()).isEqualTo(200);
    Set<String> served = new LinkedHashSet<>();
    for (JsonNode context : mappings.json().get("contexts")) {
      for (JsonNode mapping : context.get("mappings").get("dispatcherHandlers").get("webHandler")) {
        String handler = mapping.path("handler").asString("");
        JsonNode conditions = mapping.path("details").path("requestMappingConditions");
        if (handler.startsWith("dev.parley.ingress") && !conditions.isMissingNode()) {
          for (JsonNode method : conditions.get("methods")) {
            for (JsonNode pattern : conditions.get("patterns")) {
              served.add(method.asString() + " " + pattern.asString());
            }
          }
          assertThat(conditions.get("methods")).as("every endpoint names its methods: " + handler).isNotEmpty();
        } else if (handler.contains("ChatWebSocketHandler")) {
          served.add("GET " + mapping.get("predicate").asString());
        }
      }
    }
    Set<String> rowed = new LinkedHashSet<>();
    rows().forEach(row -> rowed.add(row.signature()));
    rowed.add("GET /ai/ws"); // its own test above

    assertThat(served).as("ingress serves endpoints").contains("POST /ai/chat", "GET /ai/ws");
    assertThat(rowed).as("every endpoint ingress serves has a row in the matrix").containsAll(served);
  }

  /**
   * What a party must never see: the other parties' words, messages and webhook. (Not the ids a
   * caller names in its own request: an answer may repeat those.)
   */
  private static List<String> notTheirs(Party party) {
    return switch (party) {
      case CUSTOMER -> List.of(markerB, conversationB);
      case OTHER_CUSTOMER -> List.of(markerA, messageA);
      case OTHER_TENANT, ANONYMOUS, SERVICE -> List.of(markerA, messageA, markerB, conversationB, webhookUrl);
      case AGENT, ADMIN -> List.of();
    };
  }

  private record Answer(int status, String contentType, String body) {
  }

  private static Answer call(Row row, Party party) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + row.path()))
        .timeout(Duration.ofSeconds(60));
    String token = tokens.get(party);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < row.headers().length; i += 2) {
      request.header(row.headers()[i], row.headers()[i + 1]);
    }
    if (row.body() != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(row.method(), row.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(row.body()));
    try {
      HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      // A stream that does not end by itself (a conversation followed by staff of another tenant) is read for a while.
      CompletableFuture.delayedExecutor(4, TimeUnit.SECONDS).execute(() -> {
        try {
          response.body().close();
        } catch (IOException ignored) {
          // closing is all we want
        }
      });
      List<Byte> read = new ArrayList<>();
      byte[] buffer = new byte[8192];
      try (InputStream body = response.body()) {
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
          for (int i = 0; i < n; i++) {
            read.add(buffer[i]);
          }
        }
      } catch (IOException closedAtDeadline) {
        // what was read is the answer
      }
      byte[] bytes = new byte[read.size()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = read.get(i);
      }
      return new Answer(response.statusCode(), contentType, new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
