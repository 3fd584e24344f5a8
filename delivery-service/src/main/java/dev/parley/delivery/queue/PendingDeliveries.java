package dev.parley.delivery.queue;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.Targets.Target;
import dev.parley.events.ChannelType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What is still to be sent, per target, in PostgreSQL: the durable half of the per-target queues.
 * A listener writes a row for every target of a record before its offset is committed; the lane
 * of that target sends the rows in order, and a row leaves the table only when its outcome
 * (delivered, or dead-lettered after the last attempt) is recorded and its receipt published.
 *
 * <p>Every change of state is one statement, so a crash leaves each row either as it was or as it
 * became: a sent row is marked delivered together with the ledger row that stops it being sent
 * again, a row given up on together with the failed delivery kept for re-drive.
 */
public final class PendingDeliveries {

  /** What happened to a row whose receipt is still owed. */
  public enum Outcome { DELIVERED, DEAD_LETTERED }

  /** One thing to send to one target; {@code outcome} is set once it is done but not yet receipted. */
  public record Pending(long id, Lane lane, ChannelType channel, String eventId, byte[] payload, int attempts,
      Instant dueAt, Outcome outcome, Long failureId, String lastError) {

    Pending retryAt(int attempt, Instant due, String error) {
      return new Pending(id, lane, channel, eventId, payload, attempt, due, outcome, failureId, error);
    }

    Pending done(Outcome done, Long failure, String error) {
      return new Pending(id, lane, channel, eventId, payload, attempts, dueAt, done, failure, error);
    }
  }

  /** A target as seen from one partition of one topic: the unit sent in order. */
  public record Lane(String topic, int partition, String target) {
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DatabaseClient db;

  public PendingDeliveries(DatabaseClient db) {
    this.db = db;
  }

  /** After the ledger's tables: the failed deliveries learn their partition, so a re-drive joins its lane. */
  public static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS pending_deliveries (
              id bigserial PRIMARY KEY, source_topic text NOT NULL, source_partition int NOT NULL, target text NOT NULL,
              channel text NOT NULL, event_id text NOT NULL, payload bytea NOT NULL, attempts int NOT NULL DEFAULT 0,
              due_at timestamptz NOT NULL DEFAULT now(), last_error text, outcome text, failure_id bigint,
              enqueued_at timestamptz NOT NULL DEFAULT now(), UNIQUE (event_id, target))""",
            "CREATE INDEX IF NOT EXISTS pending_deliveries_lane ON pending_deliveries (source_topic, source_partition, target, id)",
            "ALTER TABLE failed_deliveries ADD COLUMN IF NOT EXISTS source_partition int NOT NULL DEFAULT 0",
            "CREATE INDEX IF NOT EXISTS failed_deliveries_event ON failed_deliveries (event_id, target)")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  /**
   * Queues a record for its targets, skipping those it was delivered to or given up on already (a
   * record read again after a crash); idempotent.
   */
  public void enqueue(String topic, int partition, String eventId, byte[] payload, List<Target> targets) {
    db.sql("""
            INSERT INTO pending_deliveries (source_topic, source_partition, target, channel, event_id, payload)
            SELECT :topic, :partition, t.target, t.channel, :event, :payload
              FROM unnest(CAST(:targets AS text[]), CAST(:channels AS text[])) AS t(target, channel)
             WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = :event AND d.target = t.target)
               AND NOT EXISTS (SELECT 1 FROM failed_deliveries f WHERE f.event_id = :event AND f.target = t.target)
            ON CONFLICT (event_id, target) DO NOTHING""")
        .bind("topic", topic).bind("partition", partition).bind("event", eventId).bind("payload", ByteBuffer.wrap(payload))
        .bind("targets", targets.stream().map(Target::name).toArray(String[]::new))
        .bind("channels", targets.stream().map(target -> target.channel().name()).toArray(String[]::new))
        .then().block(TIMEOUT);
  }

  /**
   * Queues a failed delivery again (attempts start over) and marks it re-driven; empty when it was
   * delivered since or is queued already.
   */
  public Optional<Lane> redrive(long failureId, ChannelType channel) {
    Optional<Lane> lane = Optional.ofNullable(db.sql("""
            WITH queued AS (
              INSERT INTO pending_deliveries (source_topic, source_partition, target, channel, event_id, payload)
              SELECT f.source_topic, f.source_partition, f.target, :channel, f.event_id, f.payload FROM failed_deliveries f
               WHERE f.id = :id AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = f.event_id AND d.target = f.target)
              ON CONFLICT (event_id, target) DO NOTHING
              RETURNING source_topic, source_partition, target),
            marked AS (UPDATE failed_deliveries SET redriven_at = now() WHERE id = :id)
            SELECT * FROM queued""")
        .bind("id", failureId).bind("channel", channel.name())
        .map(row -> new Lane(row.get("source_topic", String.class), row.get("source_partition", Integer.class),
            row.get("target", String.class)))
        .one().block(TIMEOUT));
    return lane;
  }

  /** The lane's oldest rows. */
  public List<Pending> next(Lane lane, int limit) {
    return db.sql("""
            SELECT * FROM pending_deliveries WHERE source_topic = :topic AND source_partition = :partition AND target = :target
             ORDER BY id LIMIT :limit""")
        .bind("topic", lane.topic()).bind("partition", lane.partition()).bind("target", lane.target())
        .bind("limit", limit)
        .map(row -> {
          ByteBuffer bytes = row.get("payload", ByteBuffer.class);
          byte[] payload = new byte[bytes.remaining()];
          bytes.get(payload);
          String outcome = row.get("outcome", String.class);
          return new Pending(row.get("id", Long.class), lane, ChannelType.valueOf(row.get("channel", String.class)),
              row.get("event_id", String.class), payload, row.get("attempts", Integer.class),
              row.get("due_at", OffsetDateTime.class).toInstant(), outcome == null ? null : Outcome.valueOf(outcome),
              row.get("failure_id", Long.class), row.get("last_error", String.class));
        })
        .all().collectList().block(TIMEOUT);
  }

  /** Every lane that has rows: after a rebalance, a restart or a re-drive, someone must send them. */
  public List<Lane> lanes() {
    return db.sql("SELECT DISTINCT source_topic, source_partition, target FROM pending_deliveries")
        .map(row -> new Lane(row.get("source_topic", String.class), row.get("source_partition", Integer.class),
            row.get("target", String.class)))
        .all().collectList().block(TIMEOUT);
  }

  /*
   * Attempts are counted with their outcome, after the attempt: a crash during one repeats it under
   * the same number, and since its receipt is written only after the outcome, never twice.
   */

  /** Attempt {@code attempt} failed; the next one falls due at {@code due}. */
  public void retryAt(long id, int attempt, Instant due, String error) {
    db.sql("UPDATE pending_deliveries SET attempts = :attempt, due_at = :due, last_error = :error WHERE id = :id")
        .bind("id", id).bind("attempt", attempt).bind("due", due.atOffset(ZoneOffset.UTC)).bind("error", error)
        .then().block(TIMEOUT);
  }

  /** Sent: the ledger row that keeps it from being sent again, in the same statement. */
  public void delivered(long id, int attempt) {
    db.sql("""
            WITH done AS (UPDATE pending_deliveries SET outcome = 'DELIVERED', attempts = :attempt WHERE id = :id
                          RETURNING event_id, target)
            INSERT INTO deliveries (event_id, target) SELECT event_id, target FROM done ON CONFLICT DO NOTHING""")
        .bind("id", id).bind("attempt", attempt).then().block(TIMEOUT);
  }

  /** Out of attempts: kept as a failed delivery for re-drive, in the same statement; its id. */
  public long gaveUp(long id, int attempts, Outgoing outgoing, String reason) {
    return db.sql("""
            WITH failed AS (
              INSERT INTO failed_deliveries (tenant_id, conversation_id, event_id, kind, source_topic, source_partition, target,
                                             reason, payload)
              SELECT :tenant, :conversation, event_id, :kind, source_topic, source_partition, target, :reason, payload
                FROM pending_deliveries WHERE id = :id AND outcome IS NULL
              RETURNING id)
            UPDATE pending_deliveries SET outcome = 'DEAD_LETTERED', attempts = :attempts, last_error = :reason,
                   failure_id = (SELECT id FROM failed)
             WHERE id = :id AND outcome IS NULL RETURNING failure_id""")
        .bind("id", id).bind("attempts", attempts).bind("tenant", outgoing.tenantId()).bind("conversation", outgoing.conversationId())
        .bind("kind", outgoing.kind().name()).bind("reason", reason)
        .map(row -> row.get("failure_id", Long.class)).one()
        // Given up on already (this is a retry after the database failed to answer): the same failure.
        .switchIfEmpty(db.sql("SELECT failure_id FROM pending_deliveries WHERE id = :id").bind("id", id)
            .map(row -> row.get("failure_id", Long.class)).one())
        .block(TIMEOUT);
  }

  /** Its receipt is published: the row is done. */
  public void remove(long id) {
    db.sql("DELETE FROM pending_deliveries WHERE id = :id").bind("id", id).then().block(TIMEOUT);
  }

  /** How many rows wait and since when: the backlog operators watch. */
  public Backlog backlog() {
    return db.sql("SELECT count(*) AS n, min(enqueued_at) AS oldest FROM pending_deliveries WHERE outcome IS NULL")
        .map(row -> {
          OffsetDateTime oldest = row.get("oldest", OffsetDateTime.class);
          return new Backlog(row.get("n", Long.class), oldest == null ? null : oldest.toInstant());
        })
        .one().block(TIMEOUT);
  }

  /** Rows waiting, and the oldest one's enqueue time (null when none wait). */
  public record Backlog(long waiting, Instant oldest) {
  }
}
