package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.InboundMessage;
import dev.parley.schemas.Topics;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits per user, per tenant and per WhatsApp number, held across two ingress instances
 * (the buckets live in PostgreSQL): over the limit a 429 problem with {@code Retry-After}, and a
 * WhatsApp message over the limit is refused to the provider, never taken and dropped.
 */
class RateLimitIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static URI second;

  @BeforeAll
  static void secondIngressInstance() {
    second = Pipeline.stack().startInstance("ingress-service", "ingress-2");
  }

  @AfterAll
  static void stopSecondInstance() {
    Pipeline.stack().stopInstance("ingress-2");
  }

  @Test
  void shouldHoldUserAndTenantLimitsAcrossBothInstancesAndSayWhenToRetry() {
    var stack = Pipeline.stack();
    String tenant = Pipeline.LIMITED_TENANT; // 5 a minute per user, 8 an hour for the tenant
    List<Client> instancesOfA = List.of(
        new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "user-a", Duration.ofHours(1))),
        new Client(second, stack.tokens().mint(tenant, "user-a", Duration.ofHours(1))));

    List<Client.Response> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(instancesOfA.get(i % 2).chat("{\"message\":\"message " + i + "\"}", "Prefer", "respond-async"));
    }

    assertThat(sent).extracting(Client.Response::status).containsExactly(202, 202, 202, 202, 202, 429, 429);
    Client.Response refused = sent.get(5);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    long retryAfter = refused.body().get("retryAfterSeconds").asLong();
    assertThat(retryAfter).as("a token comes back within the minute").isBetween(1L, 60L);
    assertThat(refused.raw()).contains("faster than this assistant accepts");

    var userB = new Client(second, stack.tokens().mint(tenant, "user-b", Duration.ofHours(1)));
    var userC = new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "user-c", Duration.ofHours(1)));
    assertThat(IntStream.range(0, 3).mapToObj(i -> userB.chat("{\"message\":\"hi " + i + "\"}", "Prefer", "respond-async").status()))
        .containsExactly(202, 202, 202);
    Client.Response tenantFull = userC.chat("{\"message\":\"hello\"}", "Prefer", "respond-async");
    assertThat(tenantFull.status()).as("the tenant's 8 an hour are used, whoever sends").isEqualTo(429);
    assertThat(tenantFull.raw()).contains("more messages than its plan allows");
  }

  @Test
  void shouldSendRetryAfterHeaderWithThe429() throws Exception {
    var stack = Pipeline.stack();
    // Another tenant's limits than the test above (3 a minute per user): the two do not share a tenant's allowance.
    String token = stack.tokens().mint(Pipeline.FLOODED_TENANT, "user-h-" + UUID.randomUUID(), Duration.ofHours(1));
    var http = java.net.http.HttpClient.newHttpClient();
    HttpResponse<String> last = null;
    for (int i = 0; i < 7 && (last == null || last.statusCode() != 429); i++) {
      last = http.send(java.net.http.HttpRequest.newBuilder(stack.ingressUrl().resolve("/ai/chat"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("Prefer", "respond-async")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(value -> assertThat(Long.parseLong(value)).isPositive());
  }

  @Test
  void shouldRefuseAWhatsAppFloodPerNumberWithoutLosingOrDoublingWhatWasTaken() {
    String chat = "1737" + ThreadLocalRandom.current().nextLong(1_000_000L, 9_999_999L);
    String batchId = UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"messages\":[" + IntStream.range(0, 10_000)
        .mapToObj(i -> WhatsAppWebhook.message(Pipeline.FLOODED_CHANNEL, batchId + "-" + i, chat, "flood " + i))
        .collect(Collectors.joining(",")) + "]}";

    HttpResponse<String> first = WhatsAppWebhook.send(Pipeline.FLOODED_CHANNEL, body);
    HttpResponse<String> again = WhatsAppWebhook.send(Pipeline.FLOODED_CHANNEL, body); // the provider tries again

    assertThat(first.statusCode()).as(first.body()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).isPresent();
    assertThat(Client.JSON.readTree(first.body()).get("published").asInt()).as("3 a minute for this number").isEqualTo(3);
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(Client.JSON.readTree(again.body()).get("published").asInt()).as("the 3 taken are recognised, not taken again").isZero();
    List<InboundMessage> taken = TopicReader.read(Topics.INBOUND_MESSAGES,
        m -> m.getMessageId().startsWith("wazzup:" + batchId + "-"), found -> found.size() >= 3, WAIT);
    assertThat(taken).extracting(InboundMessage::getMessageId)
        .containsExactly("wazzup:" + batchId + "-0", "wazzup:" + batchId + "-1", "wazzup:" + batchId + "-2");
  }
}
