package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.Stack;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.ReplyStatus;
import dev.parley.events.ToolCallAudit;
import dev.parley.events.UserTurn;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The analytics on the real pipeline: a tenant of its own chats, escalates, is answered by a
 * person and rates; every figure {@code /metrics/historical} answers is what the raw topics hold,
 * the live and overview answers agree, and a reset analytics application (a new application id:
 * no offsets, no state) that replays the topics answers the same numbers.
 */
class AnalyticsIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String TENANT = "analytics-" + RUN;
  private static final String OTHER_TENANT = "analytics-other-" + RUN;
  private static Stack stack;
  private static Client staff;
  private static String range;

  @BeforeAll
  static void scriptedTraffic() {
    stack = Pipeline.stack();
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
    staff = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(TENANT, "analytics-admin", Duration.ofHours(1)));
    Client agent = new Client(stack.ingressUrl(), stack.tokens().mintAgent(TENANT, "analytics-agent", Duration.ofHours(1)));
    String[] questions = {"What financing options do you have?", "Is the RAV4 in stock?", "hmm", "Can I book a test drive?"};
    String escalated = null;
    for (int i = 0; i < 8; i++) {
      Client customer = new Client(stack.ingressUrl(), stack.tokens().mint(TENANT, "customer-" + (i % 5 % 3), Duration.ofHours(1)));
      String conversation = "analytics-" + RUN + "-" + (i % 5);
      var answer = customer.chat("{\"message\":\"" + questions[i % questions.length] + "\",\"conversationId\":\"" + conversation + "\"}");
      assertThat(answer.status()).as(answer.raw()).isIn(200, 202); // 202: the escalated one waits for a person
      if (i == 2) {
        escalated = conversation;
        assertThat(customer.post("/ai/escalate", "{\"conversationId\":\"" + conversation + "\",\"reason\":\"a person please\"}").status())
            .isIn(200, 201, 202);
      }
      if (i == 4) {
        assertThat(customer.post("/ai/feedback", "{\"conversationId\":\"" + conversation + "\",\"rating\":4}").status()).isIn(200, 201, 202);
      }
    }
    String handedOver = escalated;
    agent.poll("/ai/conversations/" + handedOver, view -> "ESCALATED".equals(view.get("status").asString()));
    var written = agent.post("/ai/conversations/" + handedOver + "/agent-messages", "{\"text\":\"Hello, I am here to help.\"}");
    assertThat(written.status()).as(written.body()).isIn(200, 201, 202);
    new Client(stack.ingressUrl(), stack.tokens().mint(OTHER_TENANT, "someone", Duration.ofHours(1)))
        .chat("{\"message\":\"Hello\"}");
    range = "from=" + start + "&to=" + Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
  }

  @Test
  void shouldAnswerEveryFigureAsTheRawTopicsCountIt() {
    Map<String, Object> counted = eventually(AnalyticsIT::countedFromTopics,
        () -> figures(staff.get("/metrics/historical?granularity=minute&" + range).json().get("total")));

    assertThat(counted.get("turns")).as("the traffic was seen").isEqualTo(8L);
    assertThat(counted.get("messagesOut")).asString().contains("agent=1");
    assertThat(counted.get("timeToPerson")).isEqualTo(1L);
    assertThat((Long) counted.get("clarificationRequests")).as("the unclear question was answered with a question").isPositive();
    List<AssistantReply> replies = replies();
    assertThat(replies).filteredOn(reply -> reply.getStatus() == ReplyStatus.ANSWERED && reply.getAuthor() == ReplyAuthor.ASSISTANT)
        .as("llm-service marks when the first chunk went out of every streamed answer")
        .allSatisfy(reply -> assertThat(reply.getFirstChunkMs()).isNotNull().isBetween(0L, reply.getProcessingTimeMs()));

    JsonNode hours = staff.get("/metrics/historical?granularity=hour&" + range).json();
    assertThat(figures(hours.get("total"))).as("hour windows add up the same").isEqualTo(counted);
    JsonNode other = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(OTHER_TENANT, "other-admin", Duration.ofHours(1)))
        .poll("/metrics/historical?granularity=minute&" + range, answer -> answer.get("total").get("turns").asLong() >= 1);
    assertThat(other.get("tenantId").asString()).isEqualTo(OTHER_TENANT);
    assertThat(other.get("total").get("turns").asLong()).as("another tenant sees only its own turn").isEqualTo(1);
  }

  @Test
  void shouldShowTheLiveViewTheOverviewAndThePipeline() {
    JsonNode live = staff.poll("/metrics", answer -> answer.get("currentHour").get("summary").get("turns").asLong() >= 8
        || answer.get("lastFiveMinutes").get("summary").get("turns").asLong() >= 8);
    // The traffic is in the last five minutes, or (run across the hour) in the current hour.
    JsonNode period = live.get("lastFiveMinutes").get("summary").get("turns").asLong() >= 8
        ? live.get("lastFiveMinutes") : live.get("currentHour");
    assertThat(period.get("summary").get("replyMs").get("count").asLong()).as("seven answered, one waited for a person")
        .isGreaterThanOrEqualTo(7);
    assertThat(period.get("rates").get("turnsPerMinute").asDouble()).isPositive();
    assertThat(period.get("rates").get("repliesPerMinute").asDouble()).isPositive();

    var overview = staff.post("/ai/analytics-overview",
        "{\"timeRange\":\"last_24_hours\",\"metrics\":[\"conversations\",\"response_time\",\"satisfaction\"],"
            + "\"includeComparisons\":true,\"includeInsights\":true}");
    assertThat(overview.status()).as(overview.body()).isEqualTo(200);
    JsonNode body = overview.json();
    assertThat(body.get("metrics").propertyNames()).containsExactly("conversations", "response_time", "satisfaction");
    assertThat(body.get("metrics").get("conversations").get("turns").asLong()).isEqualTo(8);
    assertThat(body.get("comparisons").get("conversations").get("turns").get("previous").asLong()).isZero();
    assertThat(body.get("insights").isArray()).isTrue();
    assertThat(body.get("insights").findValuesAsString("metric")).as("only about the metrics asked for")
        .allMatch(metric -> List.of("conversations", "response_time", "satisfaction").contains(metric));
    assertThat(body.get("metrics").get("satisfaction").get("meanRating").asDouble()).isEqualTo(4.0);

    JsonNode pipeline = staff.get("/ai/pipeline?timeRange=last_7_days").json();
    assertThat(pipeline.get("funnel").get("stages").get(0).get("stage").asString()).isEqualTo("GREETING");
    assertThat(pipeline.get("funnel").get("conversationsStarted").asLong()).isEqualTo(5);
    assertThat(pipeline.get("funnel").get("stages")).as("every stage of the sale").hasSize(7);
    assertThat(pipeline.get("hotLeads").isArray()).isTrue();
  }

  @Test
  void shouldRefuseWhatCannotBeAnsweredWithAProblemSayingWhy() {
    Map<String, String> refusals = Map.of(
        "/metrics/historical?granularity=week", "granularity must be minute, hour or day",
        "/metrics/historical?granularity=minute&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z", "minute windows are kept for 2 days",
        "/metrics/historical?granularity=hour&from=" + Instant.now() + "&to=" + Instant.now().minusSeconds(60), "to must be after from",
        "/metrics/historical?from=yesterday", "parameter 'from' must be an ISO-8601 instant",
        "/ai/pipeline?timeRange=forever", "timeRange must be one of");
    refusals.forEach((path, reason) -> {
      var refused = staff.get(path);
      assertThat(refused.status()).as(path).isEqualTo(400);
      assertThat(refused.isProblem()).as(path).isTrue();
      assertThat(refused.json().get("detail").asString()).as(path).contains(reason);
    });
    var unknown = staff.post("/ai/analytics-overview", "{\"timeRange\":\"last_7_days\",\"metrics\":[\"revenue\"]}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("detail").asString()).contains("unknown metric 'revenue'");
  }

  @Test
  void shouldAnswerTheSameNumbersAfterTheAnalyticsApplicationIsResetAndReplaysTheTopics() {
    String windows = "/metrics/historical?granularity=minute&" + range;
    Map<String, Object> before = eventually(AnalyticsIT::countedFromTopics, () -> figures(staff.get(windows).json().get("total")));
    JsonNode minutesBefore = staff.get(windows).json().get("windows");
    try {
      // A new application id is what kafka-streams-application-reset leaves: no offsets, no state, no internal topics.
      stack.restart("context-service", Map.of("PARLEY_ANALYTICS_APPLICATION_ID", "parley-analytics-rebuilt-" + RUN));
      Map<String, Object> after = eventually(() -> before, () -> figures(staff.get(windows).json().get("total")));
      assertThat(after).isEqualTo(before);
      assertThat(staff.get(windows).json().get("windows")).as("window by window").isEqualTo(minutesBefore);
    } finally {
      stack.restart("context-service", Map.of());
    }
  }

  /** The figures compared: counts, and percentiles the same sketch gives for the same values. */
  private static Map<String, Object> figures(JsonNode total) {
    Map<String, Object> figures = new TreeMap<>();
    figures.put("turns", total.get("turns").asLong());
    figures.put("conversationsStarted", total.get("conversationsStarted").asLong());
    figures.put("uniqueCustomers", total.get("uniqueCustomers").asLong());
    figures.put("messagesIn", longs(total.get("messagesIn")));
    figures.put("messagesOut", longs(total.get("messagesOut")));
    figures.put("replies", total.get("replyMs").get("count").asLong());
    figures.put("replyP50", total.get("replyMs").get("p50").asLong(-1));
    figures.put("replyP99", total.get("replyMs").get("p99").asLong(-1));
    figures.put("firstChunks", total.get("firstChunkMs").get("count").asLong());
    figures.put("fallbacks", total.get("fallbacks").asLong());
    figures.put("clarificationRequests", total.get("clarificationRequests").asLong());
    figures.put("escalations", total.get("escalations").asLong());
    figures.put("timeToPerson", total.get("timeToPersonMs").get("count").asLong());
    figures.put("feedbackRatings", longs(total.get("feedbackRatings")));
    Map<String, Long> tools = new TreeMap<>();
    total.get("tools").properties().forEach(tool -> tools.put(tool.getKey(), tool.getValue().get("calls").asLong()));
    figures.put("toolCalls", tools);
    Map<String, Object> deliveries = new TreeMap<>();
    total.get("deliveries").properties().forEach(channel -> deliveries.put(channel.getKey(), longs(channel.getValue())));
    figures.put("deliveries", deliveries);
    return figures;
  }

  /** The same figures, counted from the records of the tenant on the raw topics. */
  private static Map<String, Object> countedFromTopics() {
    List<UserTurn> turns = TopicReader.readAll(Topics.TURNS, turn -> TENANT.equals(turn.getTenantId()));
    List<AssistantReply> replies = replies();
    List<ConversationEvent> events = TopicReader.readAll(Topics.CONVERSATION_EVENTS, event -> TENANT.equals(event.getTenantId()));
    List<ToolCallAudit> calls = TopicReader.readAll(Topics.TOOL_CALLS, call -> TENANT.equals(call.getTenantId()));
    List<DeliveryReceipt> receipts = TopicReader.readAll(Topics.DELIVERY_RECEIPTS, receipt -> TENANT.equals(receipt.getTenantId()));
    List<AssistantReply> assistant = replies.stream().filter(reply -> reply.getAuthor() != ReplyAuthor.AGENT).toList();
    Histogram latencies = new Histogram(3_600_000L, 2);
    assistant.forEach(reply -> latencies.recordValue(Math.min(reply.getProcessingTimeMs(), 3_600_000L)));

    Map<String, Object> figures = new TreeMap<>();
    figures.put("turns", (long) turns.size());
    figures.put("conversationsStarted", events.stream().filter(event -> event.getType() == ConversationEventType.STARTED).count());
    figures.put("uniqueCustomers", turns.stream().map(turn -> turn.getCustomerId() != null ? turn.getCustomerId() : turn.getUserId())
        .distinct().count());
    Map<String, Long> in = new TreeMap<>();
    turns.forEach(turn -> in.merge(turn.getChannel().getType().name(), (long) turn.getMessageIds().size(), Long::sum));
    figures.put("messagesIn", in);
    Map<String, Long> out = new TreeMap<>();
    replies.forEach(reply -> out.merge(reply.getAuthor().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum));
    figures.put("messagesOut", out);
    figures.put("replies", (long) assistant.size());
    figures.put("replyP50", assistant.isEmpty() ? -1L : latencies.getValueAtPercentile(50));
    figures.put("replyP99", assistant.isEmpty() ? -1L : latencies.getValueAtPercentile(99));
    figures.put("firstChunks", assistant.stream().filter(reply -> reply.getFirstChunkMs() != null).count());
    figures.put("fallbacks", assistant.stream().filter(reply -> reply.getStatus() == ReplyStatus.FALLBACK).count());
    figures.put("clarificationRequests", assistant.stream().filter(AssistantReply::getClarificationRequested).count());
    figures.put("escalations", events.stream().filter(event -> event.getType() == ConversationEventType.ESCALATED).count());
    figures.put("timeToPerson", replies.stream().filter(reply -> reply.getAuthor() == ReplyAuthor.AGENT).count());
    Map<String, Long> ratings = new TreeMap<>();
    events.stream().filter(event -> event.getType() == ConversationEventType.FEEDBACK_RECEIVED)
        .forEach(event -> ratings.merge(Integer.toString(event.getFeedback().getRating()), 1L, Long::sum));
    figures.put("feedbackRatings", ratings);
    Map<String, Long> tools = new TreeMap<>();
    calls.forEach(call -> tools.merge(call.getTool(), 1L, Long::sum));
    figures.put("toolCalls", tools);
    Map<String, Object> deliveries = new TreeMap<>();
    receipts.forEach(receipt -> {
      @SuppressWarnings("unchecked")
      Map<String, Long> byStatus = (Map<String, Long>) deliveries.computeIfAbsent(receipt.getChannel().name(), c -> new TreeMap<>());
      byStatus.merge(receipt.getStatus().name(), 1L, Long::sum);
    });
    figures.put("deliveries", deliveries);
    return figures;
  }

  private static List<AssistantReply> replies() {
    return TopicReader.readAll(Topics.REPLIES, reply -> TENANT.equals(reply.getTenantId()));
  }

  private static Map<String, Long> longs(JsonNode counts) {
    Map<String, Long> values = new TreeMap<>();
    counts.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asLong()));
    return values;
  }

  /**
   * The answer once it equals what is expected (both read again each time: receipts and the
   * windows trail the replies by a commit), or the last of both after 90 s, for the assertion to show.
   */
  private static Map<String, Object> eventually(Supplier<Map<String, Object>> expected, Supplier<Map<String, Object>> answer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Object> want = expected.get();
    Map<String, Object> got = null;
    while (System.nanoTime() < deadline) {
      try {
        got = answer.get();
      } catch (RuntimeException notYet) { // 503 while the analytics application restores
        got = null;
      }
      if (want.equals(got)) {
        return got;
      }
      sleep();
      want = expected.get();
    }
    assertThat(got).as("the analytics answer against the raw topics").isEqualTo(want);
    return got;
  }

  private static void sleep() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
