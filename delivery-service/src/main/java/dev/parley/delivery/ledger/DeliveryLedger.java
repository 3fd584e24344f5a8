package dev.parley.delivery.ledger;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What was delivered where, and what could not be, in PostgreSQL. A reply or conversation event
 * is sent to a target at most once: the ledger is checked before sending and written right after,
 * so a redelivered record (a crash, a rebalance) is not sent again. Failed deliveries are kept with
 * the record's bytes and the topic they decode by, until someone re-drives them.
 */
public final class DeliveryLedger {

  /** A delivery that ran out of retries. */
  public record FailedDelivery(long id, String tenantId, String conversationId, String eventId, String kind,
      String sourceTopic, String target, String reason, byte[] payload, Instant failedAt, Instant redrivenAt) {
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DatabaseClient db;

  public DeliveryLedger(DatabaseClient db) {
    this.db = db;
  }

  public static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS deliveries (
              event_id text NOT NULL, target text NOT NULL, delivered_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (event_id, target))""",
            """
            CREATE TABLE IF NOT EXISTS failed_deliveries (
              id bigserial PRIMARY KEY, tenant_id text NOT NULL, conversation_id text NOT NULL, event_id text NOT NULL,
              kind text NOT NULL, source_topic text NOT NULL, target text NOT NULL, reason text NOT NULL, payload bytea NOT NULL,
              failed_at timestamptz NOT NULL DEFAULT now(), redriven_at timestamptz)""",
            // Ledgers written before conversation events were delivered knew only replies.
            """
            DO $$ BEGIN
              IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                         AND table_name = 'deliveries' AND column_name = 'reply_id') THEN
                ALTER TABLE deliveries RENAME COLUMN reply_id TO event_id;
              END IF;
              IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                         AND table_name = 'failed_deliveries' AND column_name = 'reply_id') THEN
                ALTER TABLE failed_deliveries RENAME COLUMN reply_id TO event_id;
                ALTER TABLE failed_deliveries RENAME COLUMN reply TO payload;
                ALTER TABLE failed_deliveries ADD COLUMN kind text NOT NULL DEFAULT 'REPLY';
                ALTER TABLE failed_deliveries ADD COLUMN source_topic text NOT NULL DEFAULT 'parley.replies';
              END IF;
            END $$""",
            "CREATE INDEX IF NOT EXISTS failed_deliveries_open ON failed_deliveries (tenant_id, failed_at) WHERE redriven_at IS NULL")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  /** Records a delivery that needs no sending (served by the gateway); false when it was recorded before. */
  public boolean recordOnce(String eventId, String target) {
    return db.sql("INSERT INTO deliveries (event_id, target) VALUES (:e, :t) ON CONFLICT DO NOTHING")
        .bind("e", eventId).bind("t", target).fetch().rowsUpdated().block(TIMEOUT) > 0;
  }

  /** Failed deliveries not yet re-driven, newest first; all tenants when tenantId is null. */
  public List<FailedDelivery> openFailures(String tenantId) {
    var spec = db.sql("SELECT * FROM failed_deliveries WHERE redriven_at IS NULL AND (CAST(:t AS text) IS NULL OR tenant_id = :t) "
        + "ORDER BY failed_at DESC LIMIT 200");
    spec = tenantId == null ? spec.bindNull("t", String.class) : spec.bind("t", tenantId);
    return spec.map(row -> failure(row)).all().collectList().block(TIMEOUT);
  }

  public Optional<FailedDelivery> failure(long id) {
    return Optional.ofNullable(db.sql("SELECT * FROM failed_deliveries WHERE id = :id").bind("id", id)
        .map(row -> failure(row)).one().block(TIMEOUT));
  }

  private static FailedDelivery failure(io.r2dbc.spi.Readable row) {
    ByteBuffer bytes = row.get("payload", ByteBuffer.class);
    byte[] payload = new byte[bytes.remaining()];
    bytes.get(payload);
    OffsetDateTime redriven = row.get("redriven_at", OffsetDateTime.class);
    return new FailedDelivery(row.get("id", Long.class), row.get("tenant_id", String.class),
        row.get("conversation_id", String.class), row.get("event_id", String.class), row.get("kind", String.class),
        row.get("source_topic", String.class), row.get("target", String.class), row.get("reason", String.class), payload,
        row.get("failed_at", OffsetDateTime.class).toInstant(), redriven == null ? null : redriven.toInstant());
  }
}
