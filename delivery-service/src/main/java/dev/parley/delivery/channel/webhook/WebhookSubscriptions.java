package dev.parley.delivery.channel.webhook;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import dev.parley.delivery.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Webhooks tenants registered through the API, in PostgreSQL. Each gets its own signing secret,
 * generated here and shown once, at registration; it is stored sealed ({@link SecretBox}, AES-GCM
 * bound to the tenant and webhook), so a copy of the database does not reveal it. A URL is
 * registered at most once per tenant (the delivery ledger knows a webhook by its URL).
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
  private static final Logger log = LoggerFactory.getLogger(WebhookSubscriptions.class);

  private final DatabaseClient db;
  private final SecretBox secrets;

  public WebhookSubscriptions(DatabaseClient db, SecretBox secrets) {
    this.db = db;
    this.secrets = secrets;
  }

  /** Seals secrets stored in clear by an earlier version, once. */
  public void sealPlainSecrets() {
    db.sql("SELECT id, tenant_id, secret FROM webhook_subscriptions WHERE secret NOT LIKE 'v1:%'")
        .map(row -> new String[] {row.get("id", String.class), row.get("tenant_id", String.class), row.get("secret", String.class)})
        .all().collectList().block(TIMEOUT)
        .forEach(plain -> db.sql("UPDATE webhook_subscriptions SET secret = :sealed WHERE id = :id AND secret = :plain")
            .bind("sealed", secrets.seal(plain[2], boundTo(plain[1], plain[0]))).bind("id", plain[0]).bind("plain", plain[2])
            .then().block(TIMEOUT));
  }

  private static String boundTo(String tenantId, String id) {
    return "webhook:" + tenantId + ":" + id;
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
        .bind("events", events.toArray(String[]::new))
        .bind("secret", secrets.seal(subscription.secret(), boundTo(tenantId, subscription.id()))).bind("by", createdBy)
        .fetch().rowsUpdated().block(TIMEOUT);
    if (inserted == null || inserted == 0) {
      throw new AlreadyRegistered(url);
    }
    return subscription;
  }

  /**
   * The tenant's webhooks with their secrets opened. One whose secret does not open (the key was
   * changed) is left out with a warning: it could not sign, and must be registered again.
   */
  public List<Subscription> of(String tenantId) {
    return db.sql("SELECT * FROM webhook_subscriptions WHERE tenant_id = :tenant ORDER BY created_at")
        .bind("tenant", tenantId)
        .map(row -> new Subscription(row.get("id", String.class), row.get("tenant_id", String.class), row.get("url", String.class),
            List.of(row.get("events", String[].class)), row.get("secret", String.class), row.get("created_by", String.class),
            row.get("created_at", OffsetDateTime.class).toInstant()))
        .all().collectList().block(TIMEOUT)
        .stream().flatMap(stored -> {
          try {
            String secret = SecretBox.isSealed(stored.secret())
                ? secrets.open(stored.secret(), boundTo(stored.tenantId(), stored.id())) : stored.secret();
            return java.util.stream.Stream.of(new Subscription(stored.id(), stored.tenantId(), stored.url(), stored.events(), secret,
                stored.createdBy(), stored.createdAt()));
          } catch (SecretBox.Unreadable e) {
            log.warn("webhook {} of tenant {} is skipped: its secret does not open with this PARLEY_SECRETS_KEY", stored.id(), tenantId);
            return java.util.stream.Stream.empty();
          }
        }).toList();
  }

  /** True when there was such a webhook. */
  public boolean delete(String tenantId, String id) {
    Long deleted = db.sql("DELETE FROM webhook_subscriptions WHERE tenant_id = :tenant AND id = :id")
        .bind("tenant", tenantId).bind("id", id).fetch().rowsUpdated().block(TIMEOUT);
    return deleted != null && deleted > 0;
  }
}
