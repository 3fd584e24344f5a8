package dev.parley.e2e.bench;

import org.HdrHistogram.Histogram;

/** Latencies (milliseconds unless said otherwise), recorded from many threads; percentiles from an HdrHistogram. */
final class Latencies {

  private final Histogram histogram = new Histogram(600_000, 3);

  synchronized void record(long millis) {
    histogram.recordValue(Math.max(0, Math.min(millis, histogram.getHighestTrackableValue())));
  }

  /** For figures below a millisecond: record microseconds in one instance, and read its percentiles as such. */
  synchronized void recordMicros(long micros) {
    record(micros);
  }

  synchronized long count() {
    return histogram.getTotalCount();
  }

  /** The percentile (50, 95, 99...) in ms, or -1 when nothing was recorded. */
  synchronized long percentile(double percentile) {
    return histogram.getTotalCount() == 0 ? -1 : histogram.getValueAtPercentile(percentile);
  }
}
