package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With two context-service instances, each owns part of the conversations; a query sent to either
 * instance reaches the one that owns the key, and a list gathers both parts.
 */
class ContextScaleOutIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SECOND = "context-service-2";
  private static URI first;
  private static URI second;

  @BeforeAll
  static void startSecondInstance() {
    var stack = Pipeline.stack();
    first = stack.serviceUrl("context-service");
    second = stack.startInstance("context-service", SECOND);
  }

  @AfterAll
  static void stopSecondInstance() {
    Pipeline.stack().stopInstance(SECOND);
  }

  @Test
  void shouldAnswerQueryForKeyOwnedByOtherInstanceAndGatherListsFromBoth() throws Exception {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "e2e-user", Duration.ofHours(1)));
    String marker = "scale-" + UUID.randomUUID();
    List<String> conversations = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // 8 conversations over 6 partitions split between two instances
      String id = marker + "-" + i;
      conversations.add(id);
      assertThat(client.chat("{\"message\":\"hello\",\"conversationId\":\"" + id + "\",\"customerId\":\"" + marker + "\"}").status())
          .isEqualTo(200);
    }

    // Once the group has settled (both instances answer 200, not 503, and both hold active tasks),
    // every conversation is in exactly one instance's local part.
    int localFirst = 0;
    int localSecond = 0;
    // The new instance may first take standby copies only, and its active tasks a rebalance later.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && (localFirst + localSecond != 8 || localFirst <= 0 || localSecond <= 0)) {
      Thread.sleep(200);
      localFirst = localTotal(first, marker);
      localSecond = localTotal(second, marker);
    }
    assertThat(localFirst + localSecond).as("conversations owned by the two instances").isEqualTo(8);
    assertThat(localFirst).as("each instance owns some").isPositive();
    assertThat(localSecond).as("each instance owns some").isPositive();
    for (String id : conversations) {
      for (URI instance : List.of(first, second)) {
        var response = get(instance, "/internal/tenants/" + SampleData.TENANT + "/conversations/" + id);
        assertThat(response.statusCode()).as(id + " via " + instance).isEqualTo(200);
        assertThat(Client.JSON.readTree(response.body()).get("conversationId").asString()).isEqualTo(id);
      }
    }
    for (URI instance : List.of(first, second)) {
      assertThat(Client.JSON.readTree(get(instance, list(marker)).body()).get("total").asInt()).isEqualTo(8);
    }
  }

  @Test
  void shouldAnswerATenantsAnalyticsFromWhicheverInstanceIsAsked() throws Exception {
    var stack = Pipeline.stack();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // tenants over the analytics partitions split between two instances
      String tenant = "scale-analytics-" + i + "-" + run;
      tenants.add(tenant);
      var customer = new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "someone", Duration.ofHours(1)));
      assertThat(customer.chat("{\"message\":\"hello\"}").status()).isEqualTo(200);
    }
    for (String tenant : tenants) {
      String windows = "/internal/tenants/" + tenant + "/analytics/windows?granularity=hour&from=" + Instant.now().minusSeconds(3600)
          + "&to=" + Instant.now().plusSeconds(3600);
      String fromFirst = null;
      String fromSecond = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) { // until both answer (not 503 while the group settles) and the turn is counted
        var a = get(first, windows);
        var b = get(second, windows);
        fromFirst = a.statusCode() + " " + a.body();
        fromSecond = b.statusCode() + " " + b.body();
        if (a.statusCode() == 200 && b.statusCode() == 200 && Client.JSON.readTree(a.body()).get("total").get("turns").asLong() == 1) {
          break;
        }
        Thread.sleep(300);
      }
      assertThat(fromFirst).as(tenant).startsWith("200 ").contains("\"tenantId\":\"" + tenant + "\"");
      assertThat(fromSecond).as(tenant + ": the same answer from the other instance").isEqualTo(fromFirst);
    }
  }

  /** The instance's own count, or -1 while it answers 503 (rebalancing). */
  private static int localTotal(URI instance, String marker) throws Exception {
    var response = get(instance, list(marker) + "&scope=local");
    return response.statusCode() == 200 ? Client.JSON.readTree(response.body()).get("total").asInt() : -1;
  }

  private static String list(String customer) {
    return "/internal/tenants/" + SampleData.TENANT + "/conversations?limit=50&customer=" + customer;
  }

  @Test
  void shouldAnswerOnlyParleysServiceIdentityOnTheInternalApi() throws Exception {
    var stack = Pipeline.stack();
    String path = list("anyone");
    for (String internal : List.of(path, "/internal/tenants/" + SampleData.TENANT + "/conversation-counts",
        "/internal/tenants/" + SampleData.TENANT + "/analytics/live", "/internal/tenants/" + SampleData.TENANT + "/alert-rules")) {
      for (String token : List.of("", stack.tokens().mintAdmin(SampleData.TENANT, "admin-1", Duration.ofHours(1)))) {
        var refused = HTTP.send(HttpRequest.newBuilder(first.resolve(internal)).header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("a user's token, even an admin's, is not a service's: " + internal).isEqualTo(401);
      }
      assertThat(HTTP.send(HttpRequest.newBuilder(first.resolve(internal)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as(internal).isEqualTo(401);
    }
    for (String service : List.of("llm-service", "delivery-service")) {
      assertThat(HTTP.send(HttpRequest.newBuilder(stack.serviceUrl(service).resolve("/internal/tenants/" + SampleData.TENANT
          + (service.equals("llm-service") ? "/knowledge/search" : "/webhooks"))).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).as(service).isEqualTo(401);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = get(first, path).statusCode();
    while (status == 503 && System.nanoTime() < deadline) { // the group may be settling
      Thread.sleep(200);
      status = get(first, path).statusCode();
    }
    assertThat(status).as("Parley's own service identity is answered").isEqualTo(200);
  }

  /** As Parley's own services call the internal API: with a service token. */
  private static HttpResponse<String> get(URI instance, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(instance.resolve(path)).header("Authorization", "Bearer " + Pipeline.stack().serviceToken())
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
