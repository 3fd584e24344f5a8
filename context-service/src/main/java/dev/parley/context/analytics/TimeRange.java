package dev.parley.context.analytics;

import dev.parley.context.analytics.AnalyticsTopology.Window;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The overview's time ranges ({@code last_30_days}, ...): so many windows of one size, the current
 * one so far included, and the same number of whole windows before them as the previous period.
 */
enum TimeRange {
  LAST_HOUR(Window.MINUTE, 60),
  LAST_24_HOURS(Window.HOUR, 24),
  LAST_7_DAYS(Window.DAY, 7),
  LAST_30_DAYS(Window.DAY, 30),
  LAST_90_DAYS(Window.DAY, 90);

  /** The period from {@code from} to now, and the previous one from {@code previousFrom} to {@code from}. */
  record Bounds(Instant previousFrom, Instant from, Instant to) {
  }

  final Window window;
  final int windows;

  TimeRange(Window window, int windows) {
    this.window = window;
    this.windows = windows;
  }

  Bounds bounds(Instant now) {
    Instant end = AnalyticsReports.floor(now, window).plus(window.size);
    Instant from = end.minus(window.size.multipliedBy(windows));
    return new Bounds(from.minus(window.size.multipliedBy(windows)), from, now);
  }

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A range by its key ({@code last_30_days}); a 400 naming the ones there are otherwise. */
  static TimeRange of(String key) {
    return Arrays.stream(values()).filter(range -> range.key().equalsIgnoreCase(key == null ? "" : key.strip())).findFirst()
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "timeRange must be one of "
            + Arrays.stream(values()).map(TimeRange::key).collect(Collectors.joining(", "))));
  }
}
