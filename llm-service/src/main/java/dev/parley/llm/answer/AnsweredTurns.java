package dev.parley.llm.answer;

import dev.parley.events.AssistantReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The turns already answered, in PostgreSQL, with the reply they got: a turn delivered again (a
 * crash, a rebalance, a log replayed) is not answered a second time — its earlier reply is sent
 * again instead, under its same id, so whoever waits for it now gets it and whoever had it
 * already recognises it. The row is written after the reply is published, so a crash in between
 * can at worst publish the reply twice under the same id; it can never lose the reply.
 *
 * <p>The reply is kept in Avro's single-object encoding, which needs no schema registry: it opens
 * even when the registry it was first written with is gone.
 */
final class AnsweredTurns {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A turn answered before: its reply's id, and the reply itself when it was kept (rows before it was). */
  record Answered(String replyId, Optional<AssistantReply> reply) {
  }

  private final DatabaseClient db;

  AnsweredTurns(DatabaseClient db) {
    this.db = db;
  }

  static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS answered_turns (
              turn_id text PRIMARY KEY,
              reply_id text NOT NULL,
              answered_at timestamptz NOT NULL DEFAULT now())""",
            "ALTER TABLE answered_turns ADD COLUMN IF NOT EXISTS reply bytea")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  Optional<Answered> answered(String turnId) {
    return Optional.ofNullable(db.sql("SELECT reply_id, reply FROM answered_turns WHERE turn_id = :t").bind("t", turnId)
        .map(row -> new Answered(row.get("reply_id", String.class), Optional.ofNullable(row.get("reply", ByteBuffer.class))
            .map(AnsweredTurns::decode)))
        .one().block(TIMEOUT));
  }

  void record(String turnId, AssistantReply reply) {
    ByteBuffer encoded;
    try {
      encoded = reply.toByteBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    db.sql("INSERT INTO answered_turns (turn_id, reply_id, reply) VALUES (:t, :r, :reply) ON CONFLICT (turn_id) DO NOTHING")
        .bind("t", turnId).bind("r", reply.getEventId()).bind("reply", encoded).then().block(TIMEOUT);
  }

  private static AssistantReply decode(ByteBuffer bytes) {
    try {
      return AssistantReply.fromByteBuffer(bytes);
    } catch (IOException e) {
      return null; // a reply kept by a version whose schema this one cannot read: treated as not kept
    }
  }
}
