package dev.parley.delivery.channel.webhook;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Webhooks tenants registered through the API, in PostgreSQL. Each gets its own signing secret,
 * generated here and shown once, at registration. A URL is registered at most once per tenant
 * (the delivery ledger knows a webhook by its URL).
 */
public final class WebhookSubscriptions {

  /** One registration. */
  public record Subscription(String id, String tenantId, String url, List<String> events, String secret,
      String createdBy, Instant createdAt) {
  }

  /** The tenant already registered that URL. */
  public static final class AlreadyRegistered extends RuntimeException {
    AlreadyRegistered(String url) {
      super("this tenant already registered " + url + "; delete it first to change it");
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DatabaseClient db;

  public WebhookSubscriptions(DatabaseClient db) {
    this.db = db;
  }

  public static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS webhook_subscriptions (
              id text PRIMARY KEY, tenant_id text NOT NULL, url text NOT NULL, events text[] NOT NULL,
              secret text NOT NULL, created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
              UNIQUE (tenant_id, url))""")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  public Subscription register(String tenantId, String url, List<String> events, String createdBy) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    Subscription subscription = new Subscription("wh_" + UUID.randomUUID().toString().replace("-", ""), tenantId, url,
        List.copyOf(events), "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret), createdBy, Instant.now());
    Long inserted = db.sql("""
            INSERT INTO webhook_subscriptions (id, tenant_id, url, events, secret, created_by)
            VALUES (:id, :tenant, :url, :events, :secret, :by) ON CONFLICT (tenant_id, url) DO NOTHING""")
        .bind("id", subscription.id()).bind("tenant", tenantId).bind("url", url)
        .bind("events", events.toArray(String[]::new)).bind("secret", subscription.secret()).bind("by", createdBy)
        .fetch().rowsUpdated().block(TIMEOUT);
    if (inserted == null || inserted == 0) {
      throw new AlreadyRegistered(url);
    }
    return subscription;
  }

  public List<Subscription> of(String tenantId) {
    return db.sql("SELECT * FROM webhook_subscriptions WHERE tenant_id = :tenant ORDER BY created_at")
        .bind("tenant", tenantId)
        .map(row -> new Subscription(row.get("id", String.class), row.get("tenant_id", String.class), row.get("url", String.class),
            List.of(row.get("events", String[].class)), row.get("secret", String.class), row.get("created_by", String.class),
            row.get("created_at", OffsetDateTime.class).toInstant()))
        .all().collectList().block(TIMEOUT);
  }

  /** True when there was such a webhook. */
  public boolean delete(String tenantId, String id) {
    Long deleted = db.sql("DELETE FROM webhook_subscriptions WHERE tenant_id = :tenant AND id = :id")
        .bind("tenant", tenantId).bind("id", id).fetch().rowsUpdated().block(TIMEOUT);
    return deleted != null && deleted > 0;
  }
}
