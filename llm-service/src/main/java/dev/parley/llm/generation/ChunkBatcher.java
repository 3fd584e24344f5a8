package dev.parley.llm.generation;

import java.util.function.LongSupplier;

/**
 * Groups the model's token stream into chunks worth a Kafka record: a chunk is sent once it holds
 * {@code maxChars} characters or once {@code maxDelayMs} has passed since the last one, and the
 * rest when the answer is complete. Sequence numbers start at 0 and have no gaps.
 */
final class ChunkBatcher {

  /** Receives each chunk with its sequence number. */
  interface Sink {
    void chunk(int sequence, String text);
  }

  private final int maxChars;
  private final long maxDelayMs;
  private final LongSupplier clock;
  private final Sink sink;
  private final StringBuilder buffer = new StringBuilder();
  private long lastFlush;
  private int sequence;

  ChunkBatcher(int maxChars, long maxDelayMs, LongSupplier clock, Sink sink) {
    this.maxChars = maxChars;
    this.maxDelayMs = maxDelayMs;
    this.clock = clock;
    this.sink = sink;
    this.lastFlush = clock.getAsLong();
  }

  synchronized void add(String piece) {
    buffer.append(piece);
    if (buffer.length() >= maxChars || clock.getAsLong() - lastFlush >= maxDelayMs) {
      flush();
    }
  }

  /** Sends what is left; returns how many chunks were sent in all. */
  synchronized int finish() {
    flush();
    return sequence;
  }

  private void flush() {
    if (buffer.length() > 0) {
      sink.chunk(sequence++, buffer.toString());
      buffer.setLength(0);
    }
    lastFlush = clock.getAsLong();
  }

}
