package dev.parley.schemas;

import dev.parley.events.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the dead letter every service writes when it gives up on a record. */
public final class DeadLetters {

  private static final int MAX_REASON = 2_000;

  private DeadLetters() {
  }

  /**
   * A dead letter for a record that could not be processed. The reason holds the exception type
   * and message only: the payload keeps the original bytes for inspection and re-drive, and no
   * customer text is copied into logs.
   */
  public static DeadLetter of(String service, String topic, int partition, long offset,
      byte[] key, byte[] value, Throwable cause) {
    String reason = cause.getClass().getName() + ": " + cause.getMessage();
    return DeadLetter.newBuilder()
        // Derived from the record's position: giving up on the same record twice (a redelivery
        // after a crash) yields the same dead-letter id, which consumers can recognise.
        .setEventId(Keys.derivedId("dead-letter", service, topic, Integer.toString(partition), Long.toString(offset)))
        .setService(service)
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(key == null ? null : new String(key, StandardCharsets.UTF_8))
        .setReason(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason)
        .setPayload(value == null ? null : ByteBuffer.wrap(value))
        .setCreatedAt(Instant.now())
        .build();
  }
}
