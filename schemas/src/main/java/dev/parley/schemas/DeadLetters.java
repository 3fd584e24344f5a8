package dev.parley.schemas;

import dev.parley.events.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the dead letter every service writes when it gives up on a record. */
public final class DeadLetters {

  /** The header a re-driven record carries: the id of the dead letter it was re-driven from. */
  public static final String REDRIVE_HEADER = "parley-redrive-of";

  private static final int MAX_REASON = 2_000;

  /** The dead letter a record was re-driven from, or null for a first delivery. */
  public static String redriveOf(org.apache.kafka.common.header.Headers headers) {
    var header = headers.lastHeader(REDRIVE_HEADER);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private DeadLetters() {
  }

  /**
   * A dead letter for a turn no answer came back for: its payload is the turn as published on its
   * topic, so re-driving it publishes it there again. The id derives from the turn.
   */
  public static DeadLetter unanswered(String service, String key, String turnId, byte[] turn, Throwable cause) {
    String reason = cause.getClass().getName() + ": " + cause.getMessage();
    return DeadLetter.newBuilder()
        .setEventId(Keys.derivedId("dead-letter", service, "unanswered", turnId))
        .setService(service)
        .setSourceTopic(Topics.ENRICHED_TURNS.name())
        .setSourcePartition(-1)
        .setSourceOffset(-1)
        .setKey(key)
        .setReason(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason)
        .setPayload(ByteBuffer.wrap(turn))
        .setCreatedAt(Instant.now())
        .build();
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
