package dev.parley.ingress.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How fast one user, one WhatsApp number and one tenant may send messages. Buckets live in
 * PostgreSQL (Bucket4j, {@code rate_limit_buckets}), so the limits hold across every ingress
 * instance; concurrent checks of one bucket in one instance share a database round trip.
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
      ConsumptionProbe sender = bucket(senderKey, limits, () -> senderConfiguration(limits)).tryConsumeAndReturnRemaining(1);
      if (!sender.isConsumed()) {
        throw new RateLimitExceeded(senderDetail, Duration.ofNanos(sender.getNanosToWaitForRefill()));
      }
      var tenant = bucket("tenant:" + tenantId, limits, () -> tenantConfiguration(limits));
      ConsumptionProbe all = tenant.tryConsumeAndReturnRemaining(1);
      if (!all.isConsumed()) {
        bucket(senderKey, limits, () -> senderConfiguration(limits)).addTokens(1); // not the sender's fault
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

  private io.github.bucket4j.distributed.BucketProxy bucket(String key, RateLimitSettings.Limits limits,
      Supplier<BucketConfiguration> configuration) {
    return buckets.builder()
        // When a tenant's limits change, its buckets take the new ones and keep what they used.
        .withImplicitConfigurationReplacement(version(limits), TokensInheritanceStrategy.PROPORTIONALLY)
        .withOptimization(Optimizations.batching())
        .build(key, configuration);
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
