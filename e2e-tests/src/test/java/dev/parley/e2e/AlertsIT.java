package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertState;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.devstack.Stack;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveredKind;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A tenant's alert rules, set by its admin as data: a minute whose deliveries failed beyond the
 * rule's threshold raises {@code alert.firing} on {@code parley.alerts} and at the tenant's webhook
 * subscribed to alerts, the next minute below it {@code alert.resolved}; removing the rules puts
 * the defaults back.
 */
class AlertsIT {

  @Test
  void shouldFireAndResolveATenantsRuleOnItsTopicAndWebhook() throws Exception {
    Stack stack = Pipeline.stack();
    String tenant = "alerts-" + UUID.randomUUID().toString().substring(0, 8);
    Client admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(tenant, "alerts-admin", Duration.ofHours(1)));
    assertThat(admin.get("/ai/alert-rules").json().get("defaults").asBoolean()).as("no rules of its own yet").isTrue();
    String hook = "/hooks/" + tenant;
    var registered = admin.post("/ai/webhooks", "{\"url\":\"" + Pipeline.provider().url() + hook + "\",\"events\":[\"alert.*\"]}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);

    var set = admin.put("/ai/alert-rules", "{\"rules\":[{\"name\":\"deliveries\",\"metric\":\"delivery_failure_rate\","
        + "\"threshold\":0.5,\"granularity\":\"minute\",\"minimumEvents\":2}]}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    admin.poll("/ai/alert-rules", rules -> !rules.get("defaults").asBoolean());

    // Receipts as delivery-service writes them: a minute of failures, a minute of successes, then
    // one now (the windows are judged when the records' time passes their grace period).
    Instant failing = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(6));
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new StringSerializer(), new AvroSerdes(stack.registryUrl()).<DeliveryReceipt>valueSerde(Topics.DELIVERY_RECEIPTS).serializer())) {
      for (int i = 0; i < 3; i++) {
        send(producer, receipt(tenant, DeliveryStatus.FAILED), failing.plusSeconds(10 + i));
        send(producer, receipt(tenant, DeliveryStatus.DELIVERED), failing.plusSeconds(70 + i));
      }
      send(producer, receipt(tenant, DeliveryStatus.DELIVERED), Instant.now());
    }

    List<AnalyticsWindow> minutes = TopicReader.read(Topics.ANALYTICS_MINUTE, window -> tenant.equals(window.getTenantId()),
        found -> found.size() >= 2, Duration.ofSeconds(40));
    assertThat(minutes).as("both minutes closed and published").extracting(AnalyticsWindow::getWindowStart)
        .containsExactly(failing, failing.plusSeconds(60));
    List<FakeProvider.Request> delivered = Pipeline.provider().await(hook, request -> true, 2);
    assertThat(delivered).extracting(request -> request.json().get("type").asString()).containsExactly("alert.firing", "alert.resolved");
    var firing = delivered.get(0).json();
    assertThat(firing.get("rule").asString()).isEqualTo("deliveries");
    assertThat(firing.get("value").asDouble()).isEqualTo(1.0);
    assertThat(firing.get("windowStart").asString()).isEqualTo(failing.toString());
    assertThat(firing.get("summary").asString()).contains("100% of 3 delivery attempts failed").contains("reached the rule deliveries");
    assertThat(delivered.get(0).header("X-Parley-Event")).isEqualTo("alert.firing");

    List<Alert> alerts = TopicReader.read(Topics.ALERTS, alert -> tenant.equals(alert.getTenantId()), found -> found.size() >= 2,
        Duration.ofSeconds(10));
    assertThat(alerts).extracting(Alert::getState).containsExactly(AlertState.FIRING, AlertState.RESOLVED);

    assertThat(admin.delete("/ai/alert-rules").status()).isEqualTo(204);
    var defaults = admin.poll("/ai/alert-rules", rules -> rules.get("defaults").asBoolean());
    assertThat(defaults.get("rules").findValuesAsString("name")).contains("errors", "slow-replies", "frustration", "delivery-failures");
  }

  @Test
  void shouldRefuseRulesThatMakeNoSense() {
    Stack stack = Pipeline.stack();
    Client admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin("alerts-refused", "alerts-admin", Duration.ofHours(1)));
    Map<String, String> refusals = Map.of(
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"revenue\",\"threshold\":1}]}", "metric must be",
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"error_rate\",\"threshold\":5}]}", "a rate's threshold is more than 0 and at most 1",
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"error_rate\",\"threshold\":0}]}", "threshold must be more than 0",
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"reply_p95_ms\",\"threshold\":1e999}]}", "reply_p95_ms is at most 3600000",
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"error_rate\",\"threshold\":0.1},{\"name\":\"x\",\"metric\":\"reply_p95_ms\",\"threshold\":9000}]}",
        "two rules are named x",
        "{\"rules\":[{\"name\":\"x\",\"metric\":\"error_rate\",\"threshold\":0.1,\"granularity\":\"week\"}]}", "granularity must be",
        "{}", "rules is required");
    refusals.forEach((body, reason) -> {
      var refused = admin.put("/ai/alert-rules", body);
      assertThat(refused.status()).as(body).isEqualTo(400);
      assertThat(refused.isProblem()).as(body).isTrue();
      assertThat(refused.body()).as(body).contains(reason);
    });
  }

  private static DeliveryReceipt receipt(String tenant, DeliveryStatus status) {
    return DeliveryReceipt.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId("c-1")
        .setReplyId(UUID.randomUUID().toString()).setKind(DeliveredKind.REPLY).setChannel(ChannelType.WHATSAPP).setStatus(status)
        .setAttempt(1).setCreatedAt(Instant.now()).build();
  }

  private static void send(KafkaProducer<String, DeliveryReceipt> producer, DeliveryReceipt receipt, Instant at) throws Exception {
    producer.send(new ProducerRecord<>(Topics.DELIVERY_RECEIPTS.name(), null, at.toEpochMilli(),
        Keys.of(receipt.getTenantId(), receipt.getConversationId()), receipt)).get();
  }
}
