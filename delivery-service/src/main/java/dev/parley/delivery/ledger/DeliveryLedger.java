package dev.parley.delivery.ledger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What was delivered where, and what could not be, in PostgreSQL. A reply is sent to a target at
 * most once: the ledger is checked before sending and written right after, so a redelivered reply
 * (a crash, a rebalance) is not sent again. Failed deliveries are kept with the reply's bytes
 * until someone re-drives them.
 */
public final class DeliveryLedger {

  /** A delivery that ran out of retries. */
  public record FailedDelivery(long id, String tenantId, String conversationId, String replyId, String target,
      String reason, byte[] reply, Instant failedAt, Instant redrivenAt) {
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DatabaseClient db;

  public DeliveryLedger(DatabaseClient db) {
    this.db = db;
  }

  public static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS deliveries (
              reply_id text NOT NULL, target text NOT NULL, delivered_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (reply_id, target))""",
            """
            CREATE TABLE IF NOT EXISTS failed_deliveries (
              id bigserial PRIMARY KEY, tenant_id text NOT NULL, conversation_id text NOT NULL, reply_id text NOT NULL,
              target text NOT NULL, reason text NOT NULL, reply bytea NOT NULL,
              failed_at timestamptz NOT NULL DEFAULT now(), redriven_at timestamptz)""",
            "CREATE INDEX IF NOT EXISTS failed_deliveries_open ON failed_deliveries (tenant_id, failed_at) WHERE redriven_at IS NULL")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  public boolean delivered(String replyId, String target) {
    return Boolean.TRUE.equals(db.sql("SELECT EXISTS (SELECT 1 FROM deliveries WHERE reply_id = :r AND target = :t) AS d")
        .bind("r", replyId).bind("t", target).map(row -> row.get("d", Boolean.class)).one().block(TIMEOUT));
  }

  public void recordDelivered(String replyId, String target) {
    db.sql("INSERT INTO deliveries (reply_id, target) VALUES (:r, :t) ON CONFLICT DO NOTHING")
        .bind("r", replyId).bind("t", target).then().block(TIMEOUT);
  }

  public long recordFailure(String tenantId, String conversationId, String replyId, String target, String reason, byte[] reply) {
    return db.sql("""
            INSERT INTO failed_deliveries (tenant_id, conversation_id, reply_id, target, reason, reply)
            VALUES (:tenant, :conversation, :reply, :target, :reason, :bytes) RETURNING id""")
        .bind("tenant", tenantId).bind("conversation", conversationId).bind("reply", replyId).bind("target", target)
        .bind("reason", reason).bind("bytes", java.nio.ByteBuffer.wrap(reply))
        .map(row -> row.get("id", Long.class)).one().block(TIMEOUT);
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

  public void markRedriven(long id) {
    db.sql("UPDATE failed_deliveries SET redriven_at = now() WHERE id = :id").bind("id", id).then().block(TIMEOUT);
  }

  private static FailedDelivery failure(io.r2dbc.spi.Readable row) {
    java.nio.ByteBuffer bytes = row.get("reply", java.nio.ByteBuffer.class);
    byte[] reply = new byte[bytes.remaining()];
    bytes.get(reply);
    OffsetDateTime redriven = row.get("redriven_at", OffsetDateTime.class);
    return new FailedDelivery(row.get("id", Long.class), row.get("tenant_id", String.class),
        row.get("conversation_id", String.class), row.get("reply_id", String.class), row.get("target", String.class),
        row.get("reason", String.class), reply, row.get("failed_at", OffsetDateTime.class).toInstant(),
        redriven == null ? null : redriven.toInstant());
  }
}
