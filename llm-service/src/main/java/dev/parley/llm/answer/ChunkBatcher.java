package dev.parley.llm.answer;

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
      flush(false);
    }
  }

  /** How many chunks have gone out. */
  synchronized int sent() {
    return sequence;
  }

  /** Forgets text not sent yet: a retried model call starts its answer again. */
  synchronized void discardUnsent() {
    buffer.setLength(0);
  }

  /** Sends what is left; returns how many chunks were sent in all. */
  synchronized int finish() {
    flush(true);
    return sequence;
  }

  /**
   * Sends the buffer, except a placeholder still being written ("[PHONE_" without its "]"): it
   * must reach the sink whole to be restored, so it waits for the next chunk.
   */
  private void flush(boolean all) {
    int end = buffer.length();
    if (!all) {
      int open = buffer.lastIndexOf("[");
      if (open >= 0 && buffer.indexOf("]", open) < 0 && end - open <= 12) {
        end = open;
      }
    }
    if (end > 0) {
      sink.chunk(sequence++, buffer.substring(0, end));
      buffer.delete(0, end);
    }
    lastFlush = clock.getAsLong();
  }

}
