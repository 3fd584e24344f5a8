package dev.parley.delivery.deadletter;

import dev.parley.events.DeadLetter;
import dev.parley.schemas.Keys;
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
 * The dead letters of the other services (a turn that could not be answered, a record that could
 * not be read), indexed in PostgreSQL from {@code parley.dead-letters} so a tenant's admins can
 * list theirs and re-drive them. delivery-service's own failed deliveries have their own ledger.
 * The topic stays the record; this is an index of it with re-drive bookkeeping.
 */
final class DeadLetterIndex {

  /** A dead letter as kept: its payload is the original record's bytes, to publish again. */
  record Entry(String id, String tenantId, String service, String sourceTopic, String key, String reason, byte[] payload,
      Instant deadAt, Instant redrivenAt) {
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DatabaseClient db;

  DeadLetterIndex(DatabaseClient db) {
    this.db = db;
  }

  static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS dead_letters (
              id text PRIMARY KEY, tenant_id text, service text NOT NULL, source_topic text NOT NULL, record_key text,
              reason text NOT NULL, payload bytea, dead_at timestamptz NOT NULL, redriven_at timestamptz)""",
            "CREATE INDEX IF NOT EXISTS dead_letters_by_tenant ON dead_letters (tenant_id, dead_at DESC)")
        .concatMap(statement -> db.sql(statement).then())
        .then();
  }

  /** Keeps a dead letter; the same one again (a redelivery) changes nothing. */
  void keep(DeadLetter letter) {
    var spec = db.sql("""
        INSERT INTO dead_letters (id, tenant_id, service, source_topic, record_key, reason, payload, dead_at)
        VALUES (:id, :tenant, :service, :topic, :key, :reason, :payload, :at) ON CONFLICT (id) DO NOTHING""")
        .bind("id", letter.getEventId())
        .bind("service", letter.getService())
        .bind("topic", letter.getSourceTopic())
        .bind("reason", letter.getReason())
        .bind("at", OffsetDateTime.ofInstant(letter.getCreatedAt(), ZoneOffset.UTC));
    String tenant = tenantOf(letter.getKey());
    spec = tenant == null ? spec.bindNull("tenant", String.class) : spec.bind("tenant", tenant);
    spec = letter.getKey() == null ? spec.bindNull("key", String.class) : spec.bind("key", letter.getKey());
    spec = letter.getPayload() == null ? spec.bindNull("payload", ByteBuffer.class) : spec.bind("payload", letter.getPayload());
    spec.then().block(TIMEOUT);
  }

  /** The tenant's dead letters (all tenants' for null), newest first, re-driven ones too when asked. */
  List<Entry> list(String tenantId, boolean includeRedriven, int limit) {
    var spec = db.sql("SELECT * FROM dead_letters WHERE (CAST(:t AS text) IS NULL OR tenant_id = :t)"
        + (includeRedriven ? "" : " AND redriven_at IS NULL") + " ORDER BY dead_at DESC LIMIT :limit").bind("limit", limit);
    spec = tenantId == null ? spec.bindNull("t", String.class) : spec.bind("t", tenantId);
    return spec.map(DeadLetterIndex::entry).all().collectList().block(TIMEOUT);
  }

  Optional<Entry> find(String id) {
    return Optional.ofNullable(db.sql("SELECT * FROM dead_letters WHERE id = :id").bind("id", id)
        .map(DeadLetterIndex::entry).one().block(TIMEOUT));
  }

  /** Claims a dead letter for re-drive: false when someone re-drove it already. */
  boolean claim(String id) {
    Long claimed = db.sql("UPDATE dead_letters SET redriven_at = now() WHERE id = :id AND redriven_at IS NULL")
        .bind("id", id).fetch().rowsUpdated().block(TIMEOUT);
    return claimed != null && claimed == 1;
  }

  /** Gives a claim back: the re-drive could not be sent. */
  void release(String id) {
    db.sql("UPDATE dead_letters SET redriven_at = NULL WHERE id = :id").bind("id", id).then().block(TIMEOUT);
  }

  /** Conversation records are keyed tenant:conversation; a key that is not is nobody's tenant's to see. */
  static String tenantOf(String key) {
    if (key == null || key.indexOf(':') < 0) {
      return null;
    }
    String tenant = Keys.tenantOf(key);
    return Keys.TENANT_ID.matcher(tenant).matches() ? tenant : null;
  }

  private static Entry entry(io.r2dbc.spi.Readable row) {
    ByteBuffer bytes = row.get("payload", ByteBuffer.class);
    byte[] payload = null;
    if (bytes != null) {
      payload = new byte[bytes.remaining()];
      bytes.get(payload);
    }
    OffsetDateTime redriven = row.get("redriven_at", OffsetDateTime.class);
    return new Entry(row.get("id", String.class), row.get("tenant_id", String.class), row.get("service", String.class),
        row.get("source_topic", String.class), row.get("record_key", String.class), row.get("reason", String.class), payload,
        row.get("dead_at", OffsetDateTime.class).toInstant(), redriven == null ? null : redriven.toInstant());
  }
}
