package dev.parley.llm.generation;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The turns already answered, in PostgreSQL: a turn redelivered after a crash or a rebalance is
 * recognised and not answered again. The row is written after the reply is published, so a crash
 * in between can at worst publish the reply twice under the same id (derived from the turn id),
 * which every consumer of replies recognises; it can never lose the reply.
 */
final class AnsweredTurns {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DatabaseClient db;

  AnsweredTurns(DatabaseClient db) {
    this.db = db;
  }

  static Mono<Void> createSchema(DatabaseClient db) {
    return db.sql("""
        CREATE TABLE IF NOT EXISTS answered_turns (
          turn_id text PRIMARY KEY,
          reply_id text NOT NULL,
          answered_at timestamptz NOT NULL DEFAULT now())""").then();
  }

  boolean answered(String turnId) {
    return Boolean.TRUE.equals(db.sql("SELECT EXISTS (SELECT 1 FROM answered_turns WHERE turn_id = :t) AS answered")
        .bind("t", turnId).map(row -> row.get("answered", Boolean.class)).one().block(TIMEOUT));
  }

  void record(String turnId, String replyId) {
    db.sql("INSERT INTO answered_turns (turn_id, reply_id) VALUES (:t, :r) ON CONFLICT (turn_id) DO NOTHING")
        .bind("t", turnId).bind("r", replyId).then().block(TIMEOUT);
  }
}
