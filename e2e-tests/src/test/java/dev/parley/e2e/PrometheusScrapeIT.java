package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.devstack.Stack;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every service's {@code /actuator/prometheus}, scraped as Prometheus does (with the scrape
 * token): the dealership seed's metric names with the counts a known number of chats leaves, the
 * Kafka clients' metrics, and no one else let in.
 */
class PrometheusScrapeIT {

  private static final String OTHER_TENANT = "metrics-other-tenant";
  private static Stack stack;

  @BeforeAll
  static void startPipeline() {
    stack = Pipeline.stack();
  }

  @Test
  void shouldLetOnlyTheScraperAndServicesReadTheMetrics() {
    for (String service : Stack.SERVICES) {
      URI base = stack.serviceUrl(service);
      assertThat(new Client(base, stack.metricsToken()).get("/actuator/prometheus").status()).as(service).isEqualTo(200);
      assertThat(new Client(base, stack.serviceToken()).get("/actuator/prometheus").status()).as(service).isEqualTo(200);
      assertThat(new Client(base, stack.metricsToken() + "x").get("/actuator/prometheus").status()).as(service).isEqualTo(401);
      assertThat(new Client(base, null).get("/actuator/prometheus").status()).as(service).isEqualTo(401);
      assertThat(new Client(base, stack.tokens().mintAdmin(SampleData.TENANT, "admin-1", Duration.ofMinutes(5)))
          .get("/actuator/prometheus").status()).as(service + ": a user's token, even an admin's").isEqualTo(401);
      assertThat(new Client(base, stack.metricsToken()).get("/actuator/mappings").status())
          .as(service + ": the scrape token opens the metrics and nothing else").isEqualTo(401);
    }
  }

  @Test
  void shouldCountChatsRequestsTokensAndErrorsUnderTheSeedsNames() {
    Map<String, Scrape> before = scrapeAll();
    int chats = 3;
    long inputTokens = 0;
    Client customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(1)));
    for (int i = 0; i < chats; i++) {
      var answer = customer.chat("{\"message\":\"What financing options do you have?\",\"conversationId\":\"metrics-"
          + UUID.randomUUID() + "\"}");
      assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
      inputTokens += answer.body().get("usage").get("inputTokens").asLong();
    }
    var other = new Client(stack.ingressUrl(), stack.tokens().mint(OTHER_TENANT, "c-1", Duration.ofHours(1)))
        .chat("{\"message\":\"Hello\"}");
    assertThat(other.status()).as(other.raw()).isEqualTo(200);
    assertThat(new Client(stack.ingressUrl(), null).chat("{\"message\":\"who am I?\"}").status()).isEqualTo(401);

    // context-service counts as the turns and replies pass through its topology: a moment later.
    Map<String, Scrape> after = waitFor(() -> scrapeAll(), now -> delta(before, now, "context-service",
        "ai_messages_sent_total", Map.of("role", "assistant")) >= chats + 1);

    assertThat(delta(before, after, "ingress-service", "ai_requests_total",
        Map.of("endpoint", "/ai/chat", "method", "POST", "status", "200"))).isEqualTo(chats + 1);
    assertThat(delta(before, after, "ingress-service", "ai_request_duration_seconds_count",
        Map.of("endpoint", "/ai/chat", "method", "POST"))).isEqualTo(chats + 1);
    assertThat(delta(before, after, "ingress-service", "ai_requests_total",
        Map.of("endpoint", "none", "method", "POST", "status", "401"))).as("refused before any route").isEqualTo(1);
    assertThat(delta(before, after, "ingress-service", "ai_errors_total", Map.of("error_type", "unauthorized"))).isEqualTo(1);
    // The seed's ai_conversations_created_total: Prometheus clients reserve the _created suffix (the
    // OpenMetrics creation timestamp), so it is exported as ai_conversations_total and renamed back
    // by a recording rule in the production stack (deploy/prometheus/rules.yml).
    assertThat(delta(before, after, "context-service", "ai_conversations_total", Map.of())).isGreaterThanOrEqualTo(chats + 1);
    assertThat(delta(before, after, "context-service", "ai_messages_sent_total", Map.of("role", "user")))
        .isGreaterThanOrEqualTo(chats + 1);
    assertThat(delta(before, after, "llm-service", "ai_llm_tokens_total",
        Map.of("model", "parley-offline-extractive", "direction", "input", "tenant", SampleData.TENANT)))
        .as("the tokens the replies reported").isEqualTo(inputTokens);
    assertThat(delta(before, after, "llm-service", "ai_llm_tokens_total", Map.of("direction", "output", "tenant", "other")))
        .as("a tenant the configuration does not name is 'other', never its id").isPositive();
    assertThat(after.get("llm-service").text()).doesNotContain(OTHER_TENANT);
    assertThat(after.get("llm-service").has("ai_llm_cost_usd_total")).isTrue();
    assertThat(after.get("context-service").has("ai_fallbacks_total")).isTrue();
    assertThat(after.get("llm-service").has("ai_tool_calls_total")).isTrue();

    // The Kafka clients' own metrics, with the consumers' lag.
    assertThat(after.get("ingress-service").has("kafka_producer_record_send_total")).isTrue();
    assertThat(after.get("ingress-service").has("kafka_consumer_fetch_manager_records_lag_max")).isTrue();
    assertThat(after.get("llm-service").has("kafka_consumer_fetch_manager_records_lag_max")).isTrue();
    assertThat(after.get("delivery-service").has("kafka_consumer_fetch_manager_records_lag_max")).isTrue();
    assertThat(after.get("context-service").has("kafka_stream_thread_process_total")).isTrue();
  }

  /** One scrape: its text and its samples. */
  record Scrape(String text) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    boolean has(String name) {
      return Pattern.compile("^" + name + "(\\{| )", Pattern.MULTILINE).matcher(text).find();
    }

    /** The sum of the samples of that name whose labels include the given ones. */
    double sum(String name, Map<String, String> labels) {
      double sum = 0;
      Matcher sample = SAMPLE.matcher(text);
      while (sample.find()) {
        if (!sample.group(1).equals(name)) {
          continue;
        }
        Map<String, String> found = new HashMap<>();
        if (sample.group(3) != null) {
          Matcher label = LABEL.matcher(sample.group(3));
          while (label.find()) {
            found.put(label.group(1), label.group(2));
          }
        }
        if (found.entrySet().containsAll(labels.entrySet())) {
          sum += Double.parseDouble(sample.group(4));
        }
      }
      return sum;
    }
  }

  private static Map<String, Scrape> scrapeAll() {
    Map<String, Scrape> scrapes = new HashMap<>();
    for (String service : Stack.SERVICES) {
      var answer = new Client(stack.serviceUrl(service), stack.metricsToken()).get("/actuator/prometheus");
      assertThat(answer.status()).as(service).isEqualTo(200);
      assertThat(answer.contentType()).startsWith("text/plain");
      scrapes.put(service, new Scrape(answer.body()));
    }
    return scrapes;
  }

  private static long delta(Map<String, Scrape> before, Map<String, Scrape> after, String service, String name,
      Map<String, String> labels) {
    return Math.round(after.get(service).sum(name, labels) - before.get(service).sum(name, labels));
  }

  private static <T> T waitFor(java.util.function.Supplier<T> get, java.util.function.Predicate<T> ready) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T last = get.get();
    while (!ready.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = get.get();
    }
    return last;
  }
}
