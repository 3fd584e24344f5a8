package dev.parley.context.analytics;

import static dev.parley.context.analytics.AnalyticsRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.analytics.Granularity;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.CustomerProfile;
import dev.parley.events.DeliveredKind;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.ReplyStatus;
import dev.parley.events.TokenUsage;
import dev.parley.events.ToolCallAudit;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted day of two tenants' traffic on the topics, and the windows the analytics topology
 * makes of it: a day's counts equal the counts taken straight from the records, and a day equals
 * its hours and its minutes added up.
 */
class AnalyticsTopologyTest {

  private static final Instant DAY = Instant.parse("2026-11-30T00:00:00Z");
  private static final List<String> INTENTS = List.of("financing", "pricing_tax", "test_drive");
  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private TopologyTestDriver driver;
  /** Every record piped, in order: the topics as a new application would replay them. */
  private final List<Piped<?>> log = new ArrayList<>();

  private record Piped<V extends SpecificRecord>(Topic<V> topic, String key, V value, Instant at) {
  }
  private final Random random = new Random(42);

  /** What the script sent, counted plainly, per tenant. */
  private final Map<String, Expected> expected = new HashMap<>();

  private static final class Expected {
    final Map<String, Long> messagesIn = new HashMap<>();
    final Map<String, Long> messagesOut = new HashMap<>();
    long turns;
    long started;
    long fallbacks;
    long escalations;
    long inputTokens;
    long toolCalls;
    long toolSuccesses;
    long delivered;
    double confidenceSum;
    final Map<String, Long> intents = new HashMap<>();
    final Set<String> customers = new HashSet<>();
    final List<Long> latencies = new ArrayList<>();
    final List<Long> firstChunks = new ArrayList<>();
    final List<Long> timesToPerson = new ArrayList<>();
    long clarifications;
    final Map<String, String> temperatures = new HashMap<>();
    final Map<String, Long> leadsReached = new HashMap<>();
  }

  AnalyticsTopologyTest() {
    driver = newApplication();
  }

  private TopologyTestDriver newApplication() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/analytics-test-" + UUID.randomUUID());
    return new TopologyTestDriver(AnalyticsTopology.build(serdes, java.time.Clock.systemUTC()), props);
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldCountADayOfTrafficAsTheRawRecordsDoInEveryWindowSize() {
    scriptDay(Map.of("acme-motors", 120, "globex-realty", 30));
    closeEveryWindow();

    List<AnalyticsWindow> days = read(Topics.ANALYTICS_DAY);
    List<AnalyticsWindow> hours = read(Topics.ANALYTICS_HOUR);
    List<AnalyticsWindow> minutes = read(Topics.ANALYTICS_MINUTE);
    assertThat(days).extracting(AnalyticsWindow::getTenantId).containsExactlyInAnyOrder("acme-motors", "globex-realty");
    for (AnalyticsWindow day : days) {
      Expected want = expected.get(day.getTenantId());
      AnalyticsCounts got = day.getCounts();
      assertThat(day.getGranularity()).isEqualTo(Granularity.DAY);
      assertThat(day.getWindowStart()).isEqualTo(DAY);
      assertThat(got.getMessagesIn()).isEqualTo(want.messagesIn);
      assertThat(got.getMessagesOut()).isEqualTo(want.messagesOut);
      assertThat(got.getTurns()).isEqualTo(want.turns);
      assertThat(got.getConversationsStarted()).isEqualTo(want.started);
      assertThat(got.getFallbacks()).isEqualTo(want.fallbacks);
      assertThat(got.getEscalations()).isEqualTo(want.escalations);
      assertThat(got.getModels().get("gpt-4o-mini").getInputTokens()).isEqualTo(want.inputTokens);
      assertThat(got.getTools().get("calculateSalesTax").getCalls()).isEqualTo(want.toolCalls);
      assertThat(got.getTools().get("calculateSalesTax").getSuccesses()).isEqualTo(want.toolSuccesses);
      assertThat(got.getDeliveries().get("WEB").get("SERVED_BY_GATEWAY")).isEqualTo(want.delivered);
      want.intents.forEach((intent, count) -> assertThat(got.getIntents().get(intent).getCount()).as(intent).isEqualTo(count));
      assertThat(got.getIntents().values().stream().mapToDouble(i -> i.getConfidenceSum()).sum()).isCloseTo(want.confidenceSum, within(1e-9));
      assertThat(Counts.distinctCustomers(got)).as("distinct customers (a sketch: exact at this size)").isEqualTo(want.customers.size());
      Histogram exact = new Histogram(3_600_000L, 2);
      want.latencies.forEach(exact::recordValue);
      assertThat(Counts.replyLatencyPercentile(got, 99)).isEqualTo(exact.getValueAtPercentile(99));
      assertThat(Counts.replyLatencyPercentile(got, 50)).isEqualTo(exact.getValueAtPercentile(50));
      assertThat(Counts.percentile(got.getFirstChunkLatency(), 95)).isEqualTo(percentile(want.firstChunks, 95));
      assertThat(Counts.percentile(got.getTimeToPerson(), 50)).isEqualTo(percentile(want.timesToPerson, 50));
      assertThat(got.getClarificationRequests()).isEqualTo(want.clarifications);
      assertThat(got.getLeadsReached()).as("customers reaching each lead temperature").isEqualTo(want.leadsReached);

      assertThat(hours).filteredOn(h -> h.getTenantId().equals(day.getTenantId())).hasSizeGreaterThan(1);
      assertThat(sum(of(hours, day.getTenantId()))).as("the day is its hours added up").isEqualTo(comparable(got));
      assertThat(sum(of(minutes, day.getTenantId()))).as("and its minutes").isEqualTo(comparable(got));
    }
  }

  private static long percentile(List<Long> values, double percentile) {
    Histogram exact = new Histogram(3_600_000L, 2);
    values.forEach(exact::recordValue);
    return exact.getValueAtPercentile(percentile);
  }

  @Test
  void shouldGiveTheSameWindowsWhenANewApplicationReplaysTheTopics() {
    scriptDay(Map.of("acme-motors", 60));
    closeEveryWindow();
    List<AnalyticsWindow> before = new ArrayList<>(read(Topics.ANALYTICS_DAY));
    before.addAll(read(Topics.ANALYTICS_HOUR));
    before.addAll(read(Topics.ANALYTICS_MINUTE));

    driver.close();
    driver = newApplication(); // no state: everything from the topics again
    List<Piped<?>> topics = List.copyOf(log);
    topics.forEach(this::replay);
    List<AnalyticsWindow> after = new ArrayList<>(read(Topics.ANALYTICS_DAY));
    after.addAll(read(Topics.ANALYTICS_HOUR));
    after.addAll(read(Topics.ANALYTICS_MINUTE));

    assertThat(after).hasSizeGreaterThan(60).isEqualTo(before);
  }

  @Test
  void shouldCountTheSameWhenAReplayReadsTheRecordsOutOfTimeOrder() {
    scriptDay(Map.of("acme-motors", 60, "globex-realty", 20));
    closeEveryWindow();
    Map<String, AnalyticsCounts> before = latest(read(Topics.ANALYTICS_DAY), read(Topics.ANALYTICS_HOUR), read(Topics.ANALYTICS_MINUTE));

    driver.close();
    driver = newApplication();
    // After a reset the tasks before the repartition read their partitions at different speeds: one
    // tenant's records reach the windows hours out of time order. Each partition's records stay in
    // order (here each key's, a finer split), interleaved at random; the stream time clock last.
    Map<String, java.util.ArrayDeque<Piped<?>>> byKey = new java.util.LinkedHashMap<>();
    log.subList(0, log.size() - 1).forEach(record -> byKey.computeIfAbsent(record.key(), k -> new java.util.ArrayDeque<>()).add(record));
    List<java.util.ArrayDeque<Piped<?>>> queues = new ArrayList<>(byKey.values());
    Random random = new Random(7);
    while (!queues.isEmpty()) {
      var queue = queues.get(random.nextInt(queues.size()));
      replay(queue.poll());
      if (queue.isEmpty()) {
        queues.remove(queue);
      }
    }
    replay(log.get(log.size() - 1));
    Map<String, AnalyticsCounts> after = latest(read(Topics.ANALYTICS_DAY), read(Topics.ANALYTICS_HOUR), read(Topics.ANALYTICS_MINUTE));

    assertThat(after.keySet()).hasSizeGreaterThan(80).isEqualTo(before.keySet());
    before.forEach((window, counts) -> assertThat(comparable(after.get(window))).as(window).isEqualTo(comparable(counts)));
  }

  /** The last revision published of each window, by tenant, granularity and start. */
  @SafeVarargs
  private static Map<String, AnalyticsCounts> latest(List<AnalyticsWindow>... published) {
    Map<String, AnalyticsWindow> latest = new HashMap<>();
    for (List<AnalyticsWindow> windows : published) {
      for (AnalyticsWindow window : windows) {
        latest.merge(window.getTenantId() + " " + window.getGranularity() + " " + window.getWindowStart(), window,
            (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
      }
    }
    Map<String, AnalyticsCounts> counts = new java.util.TreeMap<>();
    latest.forEach((key, window) -> counts.put(key, window.getCounts()));
    return counts;
  }

  private <V extends SpecificRecord> void replay(Piped<V> record) {
    driver.createInputTopic(record.topic().name(), Serdes.String().serializer(), serdes.valueSerde(record.topic()).serializer())
        .pipeInput(record.key(), record.value(), record.at());
  }

  @Test
  void shouldKeepTheWindowsQueryableBeforeTheyClose() {
    scriptDay(Map.of("acme-motors", 20));

    var store = driver.<String, AnalyticsCounts>getWindowStore(AnalyticsTopology.DAY_STORE);
    try (var windows = store.fetch("acme-motors", DAY, DAY)) {
      assertThat(windows.hasNext()).isTrue();
      assertThat(windows.next().value.getTurns()).isEqualTo(expected.get("acme-motors").turns);
    }
    assertThat(read(Topics.ANALYTICS_DAY)).as("not closed yet: nothing published").isEmpty();
  }

  @Test
  void shouldTimeAPersonFromTheLatestEscalationNotOneHandedBackUnanswered() {
    String tenant = "acme-motors";
    Instant first = DAY.plusSeconds(3600);
    escalation(tenant, ConversationEventType.ESCALATED, first);
    escalation(tenant, ConversationEventType.HANDED_BACK, first.plusSeconds(60)); // no agent wrote
    Instant second = first.plusSeconds(600);
    escalation(tenant, ConversationEventType.ESCALATED, second);
    pipe(Topics.REPLIES, tenant, "c-1", AssistantReply.newBuilder(reply(tenant, "c-1", ChannelType.WEB, false, 0, 0, ReplyAuthor.AGENT))
        .setCreatedAt(second.plusSeconds(30)).build(), second.plusSeconds(30));
    closeEveryWindow();

    assertThat(read(Topics.ANALYTICS_DAY)).singleElement().satisfies(day -> {
      assertThat(Counts.percentile(day.getCounts().getTimeToPerson(), 100)).isEqualTo(percentile(List.of(30_000L), 100));
      assertThat(day.getCounts().getEscalations()).isEqualTo(2);
    });
  }

  private void escalation(String tenant, ConversationEventType type, Instant at) {
    pipe(Topics.CONVERSATION_EVENTS, tenant, "c-1", ConversationEvent.newBuilder(event(tenant, "c-1", type)).setCreatedAt(at).build(), at);
  }

  @Test
  void shouldPublishAWindowAgainCorrectedWhenARecordComesAfterItsGracePeriod() {
    scriptDay(Map.of("acme-motors", 10));
    closeEveryWindow();
    pipe(Topics.TURNS, "acme-motors", "c-late", turn("acme-motors", "c-late", "u-late", ChannelType.WEB, 1), DAY.plusSeconds(60));
    tick(DAY.plus(Duration.ofDays(2)).plusSeconds(60));

    long turns = expected.get("acme-motors").turns;
    assertThat(read(Topics.ANALYTICS_DAY)).extracting(day -> day.getRevision() + ":" + day.getCounts().getTurns())
        .as("first as it closed, then corrected").containsExactly("0:" + turns, "1:" + (turns + 1));
    try (var days = driver.<String, AnalyticsCounts>getWindowStore(AnalyticsTopology.DAY_STORE).fetch("acme-motors", DAY, DAY)) {
      assertThat(days.next().value.getTurns()).as("the queryable window counts it too").isEqualTo(turns + 1);
    }
  }

  @Test
  void shouldLeaveOutARecordOlderThanItsWindowIsKept() {
    scriptDay(Map.of("acme-motors", 10));
    tick(DAY.plus(Window.DAY.retention).plus(Duration.ofDays(2)));
    pipe(Topics.TURNS, "acme-motors", "c-late", turn("acme-motors", "c-late", "u-late", ChannelType.WEB, 1), DAY.plusSeconds(60));
    tick(DAY.plus(Window.DAY.retention).plus(Duration.ofDays(3)));

    assertThat(read(Topics.ANALYTICS_DAY)).singleElement().satisfies(day -> {
      assertThat(day.getRevision()).isZero();
      assertThat(day.getCounts().getTurns()).isEqualTo(expected.get("acme-motors").turns);
    });
  }

  /** Tenants' day: turns spread over the day, each analysed and answered, some with a tool call, events, receipts. */
  private void scriptDay(Map<String, Integer> turnsByTenant) {
    // In time order, as the topics hold them: a record older than a window's grace period is left out.
    record Slot(int second, String tenant) {
    }
    List<Slot> slots = new ArrayList<>();
    new java.util.TreeMap<>(turnsByTenant).forEach((tenant, turns) -> {
      for (int i = 0; i < turns; i++) {
        slots.add(new Slot(random.nextInt(23 * 3600), tenant));
      }
    });
    slots.sort(java.util.Comparator.comparingInt(Slot::second));
    Map<String, Integer> nth = new HashMap<>();
    for (Slot slot : slots) {
      String tenant = slot.tenant();
      int i = nth.merge(tenant, 1, Integer::sum) - 1;
      Expected want = expected.computeIfAbsent(tenant, t -> new Expected());
      Instant at = DAY.plusSeconds(slot.second());
      String conversation = tenant + "-c" + (i % 17);
      String customer = "u" + random.nextInt(9);
      ChannelType channel = i % 3 == 0 ? ChannelType.WHATSAPP : ChannelType.WEB;
      int messages = 1 + random.nextInt(2);
      pipe(Topics.TURNS, tenant, conversation, turn(tenant, conversation, customer, channel, messages), at);
      want.messagesIn.merge(channel.name(), (long) messages, Long::sum);
      want.turns++;
      want.customers.add(customer);

      String intent = INTENTS.get(random.nextInt(INTENTS.size()));
      double confidence = 0.5 + random.nextInt(50) / 100.0;
      pipe(Topics.ENRICHED_TURNS, tenant, conversation, enriched(tenant, conversation, customer, channel, intent, confidence), at.plusMillis(5));
      want.intents.merge(intent, 1L, Long::sum);
      want.confidenceSum += confidence;

      boolean fallback = i % 11 == 0;
      long latency = 50 + random.nextInt(5000);
      int inputTokens = 100 + random.nextInt(400);
      boolean clarifying = !fallback && i % 7 == 3;
      long firstChunk = latency / 3;
      pipe(Topics.REPLIES, tenant, conversation, AssistantReply.newBuilder(
          reply(tenant, conversation, channel, fallback, latency, inputTokens, ReplyAuthor.ASSISTANT))
              .setFirstChunkMs(fallback ? null : firstChunk).setClarificationRequested(clarifying).build(),
          at.plusMillis(latency));
      if (!fallback) {
        want.firstChunks.add(firstChunk);
      }
      want.clarifications += clarifying ? 1 : 0;
      // The customer's profile after the turn: a lead reaches a temperature when it changes.
      String temperature = i % 5 == 0 ? "HOT" : i % 2 == 0 ? "WARM" : "COLD";
      pipe(Topics.CUSTOMER_PROFILES, tenant, customer, profile(tenant, customer, temperature), at.plusMillis(8));
      if (!temperature.equals(want.temperatures.put(customer, temperature))) {
        want.leadsReached.merge(temperature, 1L, Long::sum);
      }
      want.messagesOut.merge("assistant", 1L, Long::sum);
      want.latencies.add(latency);
      want.fallbacks += fallback ? 1 : 0;
      want.inputTokens += inputTokens;
      if (channel == ChannelType.WEB) {
        pipe(Topics.DELIVERY_RECEIPTS, tenant, conversation, receipt(tenant, conversation, channel), at.plusMillis(latency + 3));
        want.delivered++;
      }
      if (i % 4 == 0) {
        boolean ok = i % 8 == 0;
        pipe(Topics.TOOL_CALLS, tenant, conversation, toolCall(tenant, conversation, ok), at.plusMillis(20));
        want.toolCalls++;
        want.toolSuccesses += ok ? 1 : 0;
      }
      if (i < 17) {
        pipe(Topics.CONVERSATION_EVENTS, tenant, conversation, event(tenant, conversation, ConversationEventType.STARTED), at.plusMillis(6));
        want.started++;
      }
      if (i % 13 == 5) {
        pipe(Topics.CONVERSATION_EVENTS, tenant, conversation, ConversationEvent.newBuilder(
            event(tenant, conversation, ConversationEventType.ESCALATED)).setCreatedAt(at.plusMillis(7)).build(), at.plusMillis(7));
        long toPerson = 1000 + random.nextInt(60_000);
        pipe(Topics.REPLIES, tenant, conversation, AssistantReply.newBuilder(
            reply(tenant, conversation, channel, false, 0, 0, ReplyAuthor.AGENT)).setCreatedAt(at.plusMillis(7 + toPerson)).build(),
            at.plusMillis(7 + toPerson));
        want.timesToPerson.add(toPerson);
        want.escalations++;
        want.messagesOut.merge("agent", 1L, Long::sum);
      }
    }
  }

  /** Stream time two days on: every window of the scripted day is past its grace period. */
  private void closeEveryWindow() {
    tick(DAY.plus(Duration.ofDays(2)));
  }

  /** Moves stream time on with a record of a tenant of its own. */
  private void tick(Instant to) {
    pipe(Topics.TURNS, "clock", "clock", turn("clock", "clock", "clock", ChannelType.API, 1), to);
  }

  /** Sums what is compared across sizes (the sketches' bytes differ in layout, not in content). */
  private static AnalyticsCounts sum(List<AnalyticsWindow> windows) {
    AnalyticsCounts total = Counts.empty("");
    for (AnalyticsWindow window : windows) {
      total = Counts.add(total, window.getCounts());
    }
    return comparable(total);
  }

  /**
   * What is compared across sizes: sums of doubles rounded (added in another order they differ in
   * the last bits), the sketches left out (their bytes differ in layout, not in what they hold; the
   * day's are checked against the raw records above).
   */
  private static AnalyticsCounts comparable(AnalyticsCounts counts) {
    Map<String, dev.parley.analytics.IntentStats> intents = new HashMap<>();
    counts.getIntents().forEach((name, stats) -> intents.put(name,
        new dev.parley.analytics.IntentStats(stats.getCount(), Math.round(stats.getConfidenceSum() * 1e6) / 1e6)));
    Map<String, dev.parley.analytics.ModelUsageStats> models = new HashMap<>();
    counts.getModels().forEach((name, stats) -> models.put(name, new dev.parley.analytics.ModelUsageStats(stats.getReplies(),
        stats.getInputTokens(), stats.getOutputTokens(), Math.round(stats.getCostUsd() * 1e9) / 1e9)));
    return AnalyticsCounts.newBuilder(counts).setCustomers(null).setReplyLatency(null).setFirstChunkLatency(null)
        .setTimeToPerson(null).setTools(Map.of())
        .setIntents(intents).setModels(models).build();
  }

  private List<AnalyticsWindow> read(Topic<AnalyticsWindow> topic) {
    return driver.createOutputTopic(topic.name(), Serdes.String().deserializer(), serdes.valueSerde(topic).deserializer())
        .readValuesToList().stream().filter(w -> !w.getTenantId().equals("clock")).toList();
  }

  private static List<AnalyticsWindow> of(List<AnalyticsWindow> windows, String tenant) {
    return windows.stream().filter(w -> w.getTenantId().equals(tenant)).toList();
  }

  private <V extends SpecificRecord> void pipe(Topic<V> topic, String tenant, String conversation, V value, Instant at) {
    Piped<V> record = new Piped<>(topic, Keys.of(tenant, conversation), value, at);
    log.add(record);
    replay(record);
  }
}
