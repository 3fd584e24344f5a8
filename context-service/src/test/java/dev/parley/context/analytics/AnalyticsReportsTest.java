package dev.parley.context.analytics;

import static dev.parley.context.analytics.AnalyticsRecords.event;
import static dev.parley.context.analytics.AnalyticsRecords.reply;
import static dev.parley.context.analytics.AnalyticsRecords.toolCall;
import static dev.parley.context.analytics.AnalyticsRecords.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.context.analytics.AnalyticsReports.Insight;
import dev.parley.context.analytics.AnalyticsTopology.Window;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.ReplyAuthor;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

/** The analytics answers read from the windows the real topology keeps (a test driver's stores, a fixed clock). */
class AnalyticsReportsTest {

  private static final String TENANT = "acme-motors";
  /** Now: 12:34:30 on 30 November. */
  private static final Instant NOW = Instant.parse("2026-11-30T12:34:30Z");

  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private final TopologyTestDriver driver;
  private final AnalyticsReports reports;

  AnalyticsReportsTest() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-reports-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/analytics-reports-" + UUID.randomUUID());
    driver = new TopologyTestDriver(AnalyticsTopology.build(serdes, java.time.Clock.systemUTC()), props);
    reports = new AnalyticsReports(window -> driver.<String, AnalyticsCounts>getWindowStore(window.store), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldAnswerEveryWindowOfTheRangeWithZerosWhereNobodyWrote() {
    turnAt(NOW.minusSeconds(125), 800); // 12:32:25
    turnAt(NOW.minusSeconds(120), 1200); // 12:32:30
    turnAt(NOW.minusSeconds(10), 400); // 12:34:20
    turnAt(NOW.minusSeconds(1), 600, "other-tenant");

    var series = reports.series(TENANT, Window.MINUTE, NOW.minusSeconds(300), NOW);

    assertThat(series.from()).as("rounded down to a minute").isEqualTo(Instant.parse("2026-11-30T12:29:00Z"));
    assertThat(series.windows()).extracting(w -> w.start().toString()).containsExactly("2026-11-30T12:29:00Z",
        "2026-11-30T12:30:00Z", "2026-11-30T12:31:00Z", "2026-11-30T12:32:00Z", "2026-11-30T12:33:00Z", "2026-11-30T12:34:00Z");
    assertThat(series.windows()).extracting(w -> w.summary().turns()).containsExactly(0L, 0L, 0L, 2L, 0L, 1L);
    assertThat(series.windows().get(3).summary().replyMs().max()).isBetween(1190L, 1210L);
    assertThat(series.total().turns()).as("the other tenant's turn is not this tenant's").isEqualTo(3);
    assertThat(series.total().replyMs().count()).isEqualTo(3);
    assertThat(series.total().replyMs().p50()).isBetween(790L, 810L);
  }

  @Test
  void shouldRefuseARangeReversedBeyondTheWindowsKeptOrTooLong() {
    assertThatThrownBy(() -> reports.series(TENANT, Window.HOUR, NOW, NOW.minusSeconds(3600)))
        .isInstanceOf(ResponseStatusException.class).hasMessageContaining("to must be after from");
    assertThatThrownBy(() -> reports.series(TENANT, Window.MINUTE, NOW.minus(Duration.ofDays(3)), NOW))
        .isInstanceOf(ResponseStatusException.class).hasMessageContaining("minute windows are kept for 2 days")
        .hasMessageContaining("coarser granularity");
    assertThatThrownBy(() -> reports.series(TENANT, Window.MINUTE, NOW.minus(Duration.ofHours(26)), NOW))
        .isInstanceOf(ResponseStatusException.class).hasMessageContaining("at most 1500");
    assertThat(reports.series(TENANT, Window.DAY, NOW.minus(Duration.ofDays(399)), NOW).windows()).hasSize(400);
  }

  @Test
  void shouldShowTheLastFiveMinutesAndTheCurrentHourAsRates() {
    turnAt(Instant.parse("2026-11-30T12:05:00Z"), 900); // this hour, not in the last five minutes
    for (int i = 0; i < 9; i++) {
      turnAt(Instant.parse("2026-11-30T12:30:10Z").plusSeconds(i * 30), 500);
    }
    pipe(Topics.TOOL_CALLS, toolCall(TENANT, "c1", true), NOW.minusSeconds(60));
    pipe(Topics.TOOL_CALLS, toolCall(TENANT, "c1", false), NOW.minusSeconds(50));
    pipe(Topics.TOOL_CALLS, toolCall(TENANT, "c1", true), NOW.minusSeconds(40));
    pipe(Topics.TOOL_CALLS, toolCall(TENANT, "c1", true), NOW.minusSeconds(30));
    pipe(Topics.TOOL_CALLS, toolCall(TENANT, "c1", true), Instant.parse("2026-11-30T11:59:59Z")); // the hour before

    var live = reports.live(TENANT);

    assertThat(live.lastFiveMinutes().from()).isEqualTo(Instant.parse("2026-11-30T12:30:00Z"));
    assertThat(live.lastFiveMinutes().summary().turns()).isEqualTo(9);
    // 9 turns in the 4.5 minutes from 12:30:00 to 12:34:30
    assertThat(live.lastFiveMinutes().rates().turnsPerMinute()).isCloseTo(2.0, within(1e-9));
    assertThat(live.lastFiveMinutes().rates().toolCallsPerMinute()).isCloseTo(4 / 4.5, within(1e-4));
    assertThat(live.lastFiveMinutes().rates().toolSuccessRate()).isEqualTo(0.75);
    assertThat(live.lastFiveMinutes().rates().toolErrorRate()).isEqualTo(0.25);
    assertThat(live.lastFiveMinutes().rates().fallbackRate()).isEqualTo(0.0);
    assertThat(live.currentHour().from()).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
    assertThat(live.currentHour().summary().turns()).isEqualTo(10);
    assertThat(live.currentHour().summary().tools().get("calculateSalesTax").calls()).as("12:00 onwards only").isEqualTo(4);
  }

  @Test
  void shouldCompareThePeriodWithThePreviousOneAndSayWhatChanged() {
    Instant today = Instant.parse("2026-11-30T00:00:00Z");
    Instant yesterday = today.minus(Duration.ofDays(1));
    for (int i = 0; i < 10; i++) {
      started(yesterday.plusSeconds(60L * i));
      turnAt(yesterday.plusSeconds(60L * i + 5), 1000);
    }
    for (int i = 0; i < 20; i++) {
      started(today.plusSeconds(60L * i));
      turnAt(today.plusSeconds(60L * i + 5), 3000);
    }

    var overview = reports.overview(TENANT, TimeRange.LAST_24_HOURS,
        OverviewMetric.of(List.of("conversations", "response_time")), true, true);

    assertThat(overview.from()).isEqualTo(Instant.parse("2026-11-29T13:00:00Z"));
    assertThat(overview.previousFrom()).isEqualTo(Instant.parse("2026-11-28T13:00:00Z"));
    assertThat(overview.metrics()).containsOnlyKeys("conversations", "response_time");
    assertThat(overview.metrics().get("conversations")).containsEntry("started", 20L).containsEntry("turns", 20L);
    var started = overview.comparisons().get("conversations").get("started");
    assertThat(started.previous()).isEqualTo(10L);
    assertThat(started.change()).isEqualTo(10.0);
    assertThat(started.changePercent()).isEqualTo(100.0);
    // 23 h 34.5 min of the 24 h have run: 10 in the previous 24 hours is 9.83 at that pace (20 is 104% more).
    assertThat(overview.insights()).extracting(Insight::text).contains(
        "Conversations started rose 104% on the pace of the previous 24 hours (20, against 10 at that pace).");
    assertThat(overview.insights()).anySatisfy(insight -> assertThat(insight.text()).startsWith("Replies got slower: 95% arrived within 3.0 s"));
    assertThat(overview.insights()).extracting(Insight::metric).as("only about the metrics asked for")
        .containsOnly("conversations", "response_time");

    var plain = reports.overview(TENANT, TimeRange.LAST_24_HOURS, Set.of(), false, false);
    assertThat(plain.metrics()).hasSize(OverviewMetric.values().length);
    assertThat(plain.comparisons()).isNull();
    assertThat(plain.insights()).isNull();
  }

  @Test
  void shouldSayNothingHappenedRatherThanInventTrends() {
    var overview = reports.overview(TENANT, TimeRange.LAST_7_DAYS, Set.of(), true, true);

    assertThat(overview.insights()).extracting(Insight::text).containsExactly("No customer wrote in this period.");
    assertThat(overview.comparisons().get("conversations").get("started").changePercent()).as("no previous figure to divide by").isNull();
  }

  @Test
  void shouldRefuseAnUnknownMetricOrTimeRangeNamingTheOnesThereAre() {
    assertThatThrownBy(() -> OverviewMetric.of(List.of("conversations", "revenue")))
        .isInstanceOf(ResponseStatusException.class).hasMessageContaining("unknown metric 'revenue'")
        .hasMessageContaining("response_time");
    assertThatThrownBy(() -> TimeRange.of("last_year")).isInstanceOf(ResponseStatusException.class)
        .hasMessageContaining("last_24_hours, last_7_days, last_30_days, last_90_days");
    assertThat(TimeRange.of("LAST_30_DAYS")).isEqualTo(TimeRange.LAST_30_DAYS);
  }

  @Test
  void shouldShowTheFunnelInTheOrderOfTheSaleAsSharesOfConversationsStarted() {
    Instant at = Instant.parse("2026-11-30T09:00:00Z");
    for (int i = 0; i < 4; i++) {
      started(at.plusSeconds(i));
    }
    stage(at.plusSeconds(10), "QUALIFYING");
    stage(at.plusSeconds(11), "QUALIFYING");
    stage(at.plusSeconds(12), "QUOTING");

    var funnel = reports.funnel(TENANT, TimeRange.LAST_30_DAYS);

    assertThat(funnel.conversationsStarted()).isEqualTo(4);
    assertThat(funnel.stages()).extracting(AnalyticsReports.Stage::stage).startsWith("GREETING", "QUALIFYING");
    assertThat(funnel.stages()).filteredOn(stage -> stage.stage().equals("QUALIFYING")).singleElement()
        .satisfies(stage -> assertThat(stage.shareOfStarted()).isEqualTo(0.5));
    assertThat(funnel.stages()).filteredOn(stage -> stage.stage().equals("QUOTING")).singleElement()
        .satisfies(stage -> assertThat(stage.conversations()).isEqualTo(1));
  }

  private void turnAt(Instant at, long replyMs) {
    turnAt(at, replyMs, TENANT);
  }

  private void turnAt(Instant at, long replyMs, String tenant) {
    pipe(Topics.TURNS, turn(tenant, "c1", "u1", ChannelType.WEB, 1), at);
    pipe(Topics.REPLIES, reply(tenant, "c1", ChannelType.WEB, false, replyMs, 100, ReplyAuthor.ASSISTANT), at.plusMillis(replyMs));
  }

  private void started(Instant at) {
    pipe(Topics.CONVERSATION_EVENTS, event(TENANT, "c-" + at.toEpochMilli(), ConversationEventType.STARTED), at);
  }

  private void stage(Instant at, String stage) {
    pipe(Topics.CONVERSATION_EVENTS, ConversationEvent.newBuilder(event(TENANT, "c-" + at.toEpochMilli(), ConversationEventType.STAGE_CHANGED))
        .setTo(stage).build(), at);
  }

  private <V extends SpecificRecord> void pipe(Topic<V> topic, V value, Instant at) {
    driver.createInputTopic(topic.name(), Serdes.String().serializer(), serdes.valueSerde(topic).serializer())
        .pipeInput(Keys.of(TENANT, "c1"), value, at);
  }
}
