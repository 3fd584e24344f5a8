package dev.parley.ingress.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How fast one user, one WhatsApp number and one tenant may send messages. Buckets live in
 * PostgreSQL (Bucket4j, {@code rate_limit_buckets}), so the limits hold across every ingress
 * instance; concurrent checks of one bucket in one instance share a database round trip, and a
 * busy tenant's bucket is written in small batches ({@link #tenantBucket}).
 *
 * <p>A message takes a token from the sender's bucket, then from the tenant's; when the tenant's is
 * empty the sender's token is given back. Over the limit: {@link RateLimitExceeded} (429 with
 * {@code Retry-After}). When the database cannot be asked the message is let through and a warning
 * logged: the limits protect against abuse and must not take the business down with them.
 */
public class RateLimits {

  private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

  private final RateLimitSettings settings;
  private final ProxyManager<String> buckets;
  /**
   * Bucket proxies by key and limits, kept: Bucket4j's batching (concurrent checks of one bucket
   * share one database round trip) and delaying work within one proxy.
   */
  private final Cache<String, BucketProxy> proxies = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  public RateLimits(RateLimitSettings settings, ProxyManager<String> buckets) {
    this.settings = settings;
    this.buckets = buckets;
  }

  /** A chat message from a user (HTTP or WebSocket). */
  public Mono<Void> checkMessage(String tenantId, String userId) {
    return check(tenantId, "user:" + tenantId + ":" + userId, "you are sending messages faster than this assistant accepts");
  }

  /** A WhatsApp message from a phone number: its sender is limited like a user. */
  public Mono<Void> checkWhatsApp(String tenantId, String chatId) {
    return check(tenantId, "whatsapp:" + tenantId + ":" + chatId, "this WhatsApp number is sending faster than the assistant accepts");
  }

  private Mono<Void> check(String tenantId, String senderKey, String senderDetail) {
    if (!settings.enabled()) {
      return Mono.empty();
    }
    RateLimitSettings.Limits limits = settings.of(tenantId);
    return Mono.fromRunnable(() -> {
      BucketProxy senderBucket = senderBucket(senderKey, limits);
      ConsumptionProbe sender = senderBucket.tryConsumeAndReturnRemaining(1);
      if (!sender.isConsumed()) {
        throw new RateLimitExceeded(senderDetail, Duration.ofNanos(sender.getNanosToWaitForRefill()));
      }
      ConsumptionProbe all = tenantBucket(tenantId, limits).tryConsumeAndReturnRemaining(1);
      if (!all.isConsumed()) {
        senderBucket.addTokens(1); // not the sender's fault
        throw new RateLimitExceeded("this business's assistant is receiving more messages than its plan allows",
            Duration.ofNanos(all.getNanosToWaitForRefill()));
      }
    }).subscribeOn(Schedulers.boundedElastic()) // Bucket4j's PostgreSQL store is JDBC: blocking
        .onErrorResume(e -> !(e instanceof RateLimitExceeded), e -> {
          log.warn("rate limits could not be checked, letting the message through: {}", e.toString());
          return Mono.empty();
        })
        .then();
  }

  /**
   * A sender's bucket. With the usual small limits (a few messages a minute) it is exact: each
   * check is one round trip, and a sender sends rarely. With large ones (an integration posting
   * for many users under one identity, a load test) each instance takes up to a twentieth of the
   * per-minute limit (or a second of messages) locally before writing them to the shared bucket:
   * one transaction per message held ingress to ~100 accepts/s with PostgreSQL doing a share of
   * every accept. The limit may be overrun by that much per instance, never more.
   */
  private BucketProxy senderBucket(String key, RateLimitSettings.Limits limits) {
    long unsynchronized = Math.max(1, limits.perUserPerMinute() / 20);
    return proxies.get(key + "@" + version(limits), k -> buckets.builder()
        // When a tenant's limits change, its buckets take the new ones and keep what they used.
        .withImplicitConfigurationReplacement(version(limits), TokensInheritanceStrategy.PROPORTIONALLY)
        .withOptimization(unsynchronized == 1 ? Optimizations.batching()
            : Optimizations.delaying(new DelayParameters(unsynchronized, Duration.ofSeconds(1))))
        .build(key, () -> senderConfiguration(limits)));
  }

  /**
   * A tenant's bucket, which every message of the tenant passes: each instance takes up to a
   * thousandth of the hourly limit (at least 1, so small limits stay exact) or 100 ms of messages
   * locally before writing them to the shared bucket, so the tenant's row is not a queue every
   * message waits in. The limit may be overrun by that much per instance, never more.
   */
  private BucketProxy tenantBucket(String tenantId, RateLimitSettings.Limits limits) {
    String key = "tenant:" + tenantId;
    long unsynchronized = Math.max(1, limits.perTenantPerHour() / 1_000);
    return proxies.get(key + "@" + version(limits), k -> buckets.builder()
        .withImplicitConfigurationReplacement(version(limits), TokensInheritanceStrategy.PROPORTIONALLY)
        .withOptimization(unsynchronized == 1 ? Optimizations.batching()
            : Optimizations.delaying(new DelayParameters(unsynchronized, Duration.ofMillis(100))))
        .build(key, () -> tenantConfiguration(limits)));
  }

  static BucketConfiguration senderConfiguration(RateLimitSettings.Limits limits) {
    return BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(limits.perUserPerMinute()).refillGreedy(limits.perUserPerMinute(), Duration.ofMinutes(1))
            .build())
        .addLimit(Bandwidth.builder().capacity(limits.perUserPerHour()).refillGreedy(limits.perUserPerHour(), Duration.ofHours(1))
            .build())
        .build();
  }

  static BucketConfiguration tenantConfiguration(RateLimitSettings.Limits limits) {
    return BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(limits.perTenantPerHour()).refillGreedy(limits.perTenantPerHour(), Duration.ofHours(1))
            .build())
        .build();
  }

  private static long version(RateLimitSettings.Limits limits) {
    return limits.hashCode() & 0x7fffffffL;
  }
}
