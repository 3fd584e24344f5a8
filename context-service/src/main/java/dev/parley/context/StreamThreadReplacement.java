package dev.parley.context;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies (records that fail are dead-lettered before it comes to
 * that, so this is the broker, the network or the state): a new thread replaces it, which is what
 * recovers from the passing causes. A cause that does not pass kills every thread it is given;
 * after {@code maxReplacements} within {@code window} the instance shuts down instead, so its
 * health is DOWN and it is restarted, rather than spinning.
 */
public final class StreamThreadReplacement implements StreamsUncaughtExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(StreamThreadReplacement.class);

  private final int maxReplacements;
  private final Duration window;
  private final Clock clock;
  private final Deque<Long> replaced = new ArrayDeque<>();

  public StreamThreadReplacement(int maxReplacements, Duration window, Clock clock) {
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.clock = clock;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
    long now = clock.millis();
    while (!replaced.isEmpty() && replaced.peekFirst() < now - window.toMillis()) {
      replaced.removeFirst();
    }
    if (replaced.size() >= maxReplacements) {
      log.error("a stream thread died again ({} times within {}): shutting down so the instance is restarted: {}",
          replaced.size() + 1, window, exception.toString());
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replaced.addLast(now);
    log.warn("a stream thread died; replacing it: {}", exception.toString());
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
