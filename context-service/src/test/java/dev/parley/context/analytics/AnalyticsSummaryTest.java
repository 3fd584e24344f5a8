package dev.parley.context.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.analytics.IntentStats;
import dev.parley.analytics.ModelUsageStats;
import dev.parley.analytics.ToolStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyticsSummaryTest {

  @Test
  void shouldDeriveMeansRatesAndPercentilesFromWindowsAddedUp() {
    AnalyticsCounts total = Counts.empty("acme-motors");
    for (long latency = 1; latency <= 100; latency++) {
      total = Counts.add(total, AnalyticsCounts.newBuilder(Counts.empty("acme-motors"))
          .setTurns(1)
          .setReplyLatency(Counts.buffer(Sketches.latency(latency * 10)))
          .setIntents(Map.of(latency % 2 == 0 ? "financing" : "test_drive", new IntentStats(1L, latency % 2 == 0 ? 0.9 : 0.5)))
          .setModels(Map.of("gpt-4o-mini", new ModelUsageStats(1L, 100L, 20L, 0.001)))
          .setTools(Map.of("calculateSalesTax", new ToolStats(1L, latency % 4 == 0 ? 0L : 1L,
              latency % 4 == 0 ? Map.of("IllegalArgumentException", 1L) : Map.of(), Counts.buffer(Sketches.latency(12)))))
          .setNewCustomerHashes(List.of(Sketches.customerHash("acme-motors", "u" + latency % 7)))
          .build());
    }
    total = Counts.add(total, AnalyticsCounts.newBuilder(Counts.empty("acme-motors"))
        .setStagesReached(Map.of("QUOTING", 3L, "QUALIFYING", 9L))
        .setLeadsReached(Map.of("HOT", 2L, "WARM", 5L))
        .setFeedbackRatings(Map.of("5", 3L, "2", 1L))
        .build());

    AnalyticsSummary summary = AnalyticsSummary.of(total);

    assertThat(summary.turns()).isEqualTo(100);
    assertThat(summary.uniqueCustomers()).isEqualTo(7);
    assertThat(summary.replyMs().count()).isEqualTo(100);
    var exact = new org.HdrHistogram.Histogram(3_600_000L, 2);
    for (long latency = 1; latency <= 100; latency++) {
      exact.recordValue(latency * 10);
    }
    assertThat(summary.replyMs().p50()).isEqualTo(exact.getValueAtPercentile(50)).isBetween(495L, 505L);
    assertThat(summary.replyMs().p99()).isEqualTo(exact.getValueAtPercentile(99)).isBetween(985L, 1000L);
    assertThat(summary.firstChunkMs().count()).as("no streamed reply").isZero();
    assertThat(summary.firstChunkMs().p95()).isNull();
    assertThat(summary.intents().get("financing").meanConfidence()).isCloseTo(0.9, within(1e-9));
    assertThat(summary.meanIntentConfidence()).isCloseTo(0.7, within(1e-9));
    assertThat(summary.inputTokens()).isEqualTo(10_000);
    assertThat(summary.costUsd()).isCloseTo(0.1, within(1e-9));
    assertThat(summary.tools().get("calculateSalesTax").successRate()).isCloseTo(0.75, within(1e-9));
    assertThat(summary.tools().get("calculateSalesTax").errors()).containsEntry("IllegalArgumentException", 25L);
    assertThat(summary.newHotLeads()).isEqualTo(2);
    assertThat(summary.funnel().keySet()).as("the stages in the order of the sale")
        .containsExactly("GREETING", "QUALIFYING", "NEEDS_ANALYSIS", "SOLUTION", "COMPANY_DETAILS", "QUOTING", "CLOSING");
    assertThat(summary.funnel()).containsEntry("QUALIFYING", 9L).containsEntry("QUOTING", 3L).containsEntry("CLOSING", 0L);
    assertThat(summary.meanFeedbackRating()).isCloseTo(17.0 / 4, within(1e-9));
  }

  @Test
  void shouldSummariseAnEmptyWindowWithoutMeansOrPercentiles() {
    AnalyticsSummary summary = AnalyticsSummary.of(Counts.empty("acme-motors"));

    assertThat(summary.turns()).isZero();
    assertThat(summary.meanIntentConfidence()).isNull();
    assertThat(summary.meanFeedbackRating()).isNull();
    assertThat(summary.replyMs().p50()).isNull();
    assertThat(summary.funnel().values()).containsOnly(0L);
  }
}
