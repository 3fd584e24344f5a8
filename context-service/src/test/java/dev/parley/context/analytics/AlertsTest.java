package dev.parley.context.analytics;

import static dev.parley.context.analytics.AnalyticsRecords.reply;
import static dev.parley.context.analytics.AnalyticsRecords.turn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertMetric;
import dev.parley.analytics.AlertRule;
import dev.parley.analytics.AlertRules;
import dev.parley.analytics.AlertState;
import dev.parley.analytics.Granularity;
import dev.parley.events.ChannelType;
import dev.parley.events.ReplyAuthor;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alert rules judged on closed windows: defaults, a tenant's own rules, minimum events, no alerts from a replay. */
class AlertsTest {

  private static final Instant DAY = Instant.parse("2026-11-30T00:00:00Z");
  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private TopologyTestDriver driver;

  private TopologyTestDriver application(Instant now) {
    return application(now, now);
  }

  private TopologyTestDriver application(Instant now, Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alerts-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/alerts-test-" + UUID.randomUUID());
    driver = new TopologyTestDriver(AnalyticsTopology.build(serdes, Clock.fixed(now, ZoneOffset.UTC)), props, wallClock);
    return driver;
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldFireOnAWindowAtTheDefaultThresholdAndResolveOnTheNextOneBelowIt() {
    application(DAY.plus(Duration.ofMinutes(12)));
    replies("acme-motors", DAY.plusSeconds(65), 12, 3, 800); // 25% fallbacks of 12: at least 10%
    replies("acme-motors", DAY.plusSeconds(125), 12, 0, 800); // none
    replies("acme-motors", DAY.plusSeconds(185), 5, 5, 800); // all, but fewer than 10 replies: not judged
    replies("acme-motors", DAY.plusSeconds(245), 12, 0, 800); // resolved already: nothing new
    tick(DAY.plus(Duration.ofMinutes(10)));

    List<Alert> alerts = alerts();
    assertThat(alerts).extracting(a -> a.getState() + " " + a.getRule().getName() + " " + a.getWindowStart())
        .containsExactly("FIRING errors 2026-11-30T00:01:00Z", "RESOLVED errors 2026-11-30T00:02:00Z");
    Alert firing = alerts.get(0);
    assertThat(firing.getValue()).isEqualTo(0.25);
    assertThat(firing.getEvents()).isEqualTo(12);
    assertThat(firing.getSummary()).isEqualTo(
        "Fallback replies were 25% of 12 replies from 2026-11-30 00:01 to 2026-11-30 00:02 UTC: reached the rule errors (10%).");
    assertThat(firing.getEventId()).as("stable: a replay names it the same").isEqualTo(
        UUID.nameUUIDFromBytes(("acme-motors|errors|MINUTE|" + DAY.plusSeconds(60).toEpochMilli() + "|FIRING").getBytes()).toString());
  }

  @Test
  void shouldJudgeATenantByItsOwnRulesAndNotAtAllWithAnEmptyList() {
    application(DAY.plus(Duration.ofMinutes(12)));
    rules("acme-motors", new AlertRule("slow", AlertMetric.REPLY_P95_MS, 1_000.0, Granularity.MINUTE, 1L));
    rules("quiet-tenant");
    replies("acme-motors", DAY.plusSeconds(65), 3, 3, 2_000); // slow, and all fallbacks (the default rule is replaced)
    replies("quiet-tenant", DAY.plusSeconds(65), 20, 20, 20_000);
    tick(DAY.plus(Duration.ofMinutes(10)));

    assertThat(alerts()).extracting(a -> a.getTenantId() + " " + a.getState() + " " + a.getRule().getName())
        .as("the tenant's own rule instead of the defaults, and nothing for the tenant that wants none")
        .containsExactly("acme-motors FIRING slow");
  }

  @Test
  void shouldRaiseNothingForWindowsThatClosedLongAgoAsAReplayPublishesThem() {
    application(DAY.plus(Duration.ofDays(2)));
    replies("acme-motors", DAY.plusSeconds(65), 12, 12, 800);
    tick(DAY.plus(Duration.ofMinutes(10)));

    assertThat(driver.createOutputTopic(Topics.ANALYTICS_MINUTE.name(), Serdes.String().deserializer(),
        serdes.valueSerde(Topics.ANALYTICS_MINUTE).deserializer()).readValuesToList()).as("the windows are published").isNotEmpty();
    assertThat(alerts()).isEmpty();
  }

  @Test
  void shouldCloseAQuietPartitionsWindowsByTheWallClockWhileLive() {
    Instant now = DAY.plus(Duration.ofMinutes(3));
    application(now, DAY.plusSeconds(70));
    replies("acme-motors", DAY.plusSeconds(65), 12, 12, 800); // read as they are written; then nothing more
    assertThat(alerts()).as("stream time has not passed the grace period").isEmpty();

    driver.advanceWallClockTime(Duration.ofMinutes(4)); // past the window's end, grace and allowance by the wall clock

    assertThat(alerts()).extracting(a -> a.getState() + " " + a.getRule().getName()).containsExactly("FIRING errors");
  }

  @Test
  void shouldNotJudgeACorrectedWindowAgain() {
    application(DAY.plus(Duration.ofMinutes(12)));
    replies("acme-motors", DAY.plusSeconds(65), 12, 0, 800);
    tick(DAY.plus(Duration.ofMinutes(5)));
    replies("acme-motors", DAY.plusSeconds(70), 12, 12, 800); // after the window was published: a correction
    tick(DAY.plus(Duration.ofMinutes(6)));

    assertThat(driver.createOutputTopic(Topics.ANALYTICS_MINUTE.name(), Serdes.String().deserializer(),
        serdes.valueSerde(Topics.ANALYTICS_MINUTE).deserializer()).readValuesToList())
        .filteredOn(window -> window.getTenantId().equals("acme-motors")).extracting(w -> w.getRevision())
        .containsExactly(0, 1);
    assertThat(alerts()).as("a window is judged once, as first published").isEmpty();
  }

  @Test
  void shouldForgetARuleRemovedWhileFiringSoItFiresAfreshWhenAddedAgain() {
    application(DAY.plus(Duration.ofMinutes(12)));
    replies("acme-motors", DAY.plusSeconds(65), 12, 12, 800);
    tick(DAY.plus(Duration.ofMinutes(4)));
    rules("acme-motors"); // none: the firing "errors" is forgotten at the next window judged
    replies("acme-motors", DAY.plusSeconds(245), 12, 12, 800);
    tick(DAY.plus(Duration.ofMinutes(7)));
    driver.createInputTopic(Topics.ALERT_RULES.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.ALERT_RULES).serializer())
        .pipeInput("acme-motors", null, DAY); // the defaults again
    replies("acme-motors", DAY.plusSeconds(425), 12, 12, 800);
    tick(DAY.plus(Duration.ofMinutes(10)));

    assertThat(alerts()).extracting(a -> a.getState() + " " + a.getWindowStart())
        .containsExactly("FIRING 2026-11-30T00:01:00Z", "FIRING 2026-11-30T00:07:00Z");
  }

  @Test
  void shouldMeasureEachMetricOfAWindow() {
    var counts = Counts.empty("acme-motors");
    for (int i = 0; i < 10; i++) {
      counts = Counts.add(counts, Contributions.of(reply("acme-motors", "c", ChannelType.WEB, i < 2, 500, 100, ReplyAuthor.ASSISTANT)));
    }
    for (int i = 0; i < 4; i++) {
      counts = Counts.add(counts, Contributions.of(dev.parley.events.DeliveryReceipt.newBuilder(AnalyticsRecords.receipt("acme-motors", "c", ChannelType.WEB))
          .setStatus(i == 0 ? dev.parley.events.DeliveryStatus.FAILED : dev.parley.events.DeliveryStatus.DELIVERED).build()));
    }
    AnalyticsSummary summary = AnalyticsSummary.of(counts);

    assertThat(Alerts.measure(AlertMetric.ERROR_RATE, summary)).isEqualTo(new Alerts.Measure(0.2, 10));
    assertThat(Alerts.measure(AlertMetric.REPLY_P95_MS, summary).value()).isBetween(495.0, 505.0);
    assertThat(Alerts.measure(AlertMetric.DELIVERY_FAILURE_RATE, summary)).isEqualTo(new Alerts.Measure(0.25, 4));
    assertThat(Alerts.measure(AlertMetric.FRUSTRATION_RATE, summary)).as("no analysed turn").isNull();
  }

  private void replies(String tenant, Instant at, int count, int fallbacks, long latencyMs) {
    var turns = driver.createInputTopic(Topics.TURNS.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.TURNS).serializer());
    var replies = driver.createInputTopic(Topics.REPLIES.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.REPLIES).serializer());
    for (int i = 0; i < count; i++) {
      turns.pipeInput(Keys.of(tenant, "c" + i), turn(tenant, "c" + i, "u" + i, ChannelType.WEB, 1), at);
      replies.pipeInput(Keys.of(tenant, "c" + i), reply(tenant, "c" + i, ChannelType.WEB, i < fallbacks, latencyMs, 100, ReplyAuthor.ASSISTANT),
          at.plusMillis(latencyMs));
    }
  }

  private void rules(String tenant, AlertRule... rules) {
    driver.createInputTopic(Topics.ALERT_RULES.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.ALERT_RULES).serializer())
        .pipeInput(tenant, new AlertRules(tenant, List.of(rules), "admin-1", DAY), DAY);
  }

  private void tick(Instant to) {
    driver.createInputTopic(Topics.TURNS.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.TURNS).serializer())
        .pipeInput(Keys.of("clock", "clock"), turn("clock", "clock", "clock", ChannelType.API, 1), to);
  }

  private List<Alert> alerts() {
    return driver.createOutputTopic(Topics.ALERTS.name(), Serdes.String().deserializer(), serdes.valueSerde(Topics.ALERTS).deserializer())
        .readValuesToList();
  }
}
