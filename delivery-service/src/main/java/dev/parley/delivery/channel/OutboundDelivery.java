package dev.parley.delivery.channel;

import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.events.ChannelType;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends a reply or conversation event to an outbound target the way every channel needs it: at most once per target
 * (the ledger), within the target's rate limit (Bucket4j), retried with exponential backoff and
 * jitter when the failure may pass, a delivery receipt for every attempt, and after the last
 * attempt a dead letter kept for re-drive.
 */
public final class OutboundDelivery {

  /** How the sending went. */
  public enum Result { DELIVERED, ALREADY_DELIVERED, DEAD_LETTERED }

  /** How hard to try. */
  public record Settings(int maxAttempts, Duration firstBackoff, int perSecond) {
  }

  private static final Logger log = LoggerFactory.getLogger(OutboundDelivery.class);

  private final DeliveryLedger ledger;
  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final AvroSerdes serdes;
  private final Settings settings;
  private final IntervalFunction backoff;
  private final Map<String, Bucket> limits = new ConcurrentHashMap<>();

  public OutboundDelivery(DeliveryLedger ledger, KafkaTemplate<String, SpecificRecord> kafka, AvroSerdes serdes,
      Settings settings) {
    this.ledger = ledger;
    this.kafka = kafka;
    this.serdes = serdes;
    this.settings = settings;
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.firstBackoff(), 2.0, 0.5);
  }

  public Result deliver(Outgoing outgoing, Outbound outbound, ChannelType channel) {
    String target = outbound.target(outgoing);
    if (ledger.delivered(outgoing.id(), target)) {
      return Result.ALREADY_DELIVERED; // redelivered: it went out already
    }
    Bucket limit = limits.computeIfAbsent(target, t -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(settings.perSecond()).refillGreedy(settings.perSecond(), Duration.ofSeconds(1)).build())
        .build());
    DeliveryException last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      try {
        limit.asBlocking().consume(1);
        outbound.send(outgoing);
        ledger.recordDelivered(outgoing.id(), target);
        receipt(outgoing, target, channel, DeliveryStatus.DELIVERED, attempt, "delivered to " + target);
        return Result.DELIVERED;
      } catch (DeliveryException e) {
        last = e;
        receipt(outgoing, target, channel, DeliveryStatus.FAILED, attempt, e.getMessage());
        if (!e.retriable()) {
          break;
        }
        if (attempt < settings.maxAttempts()) {
          sleep(backoff.apply(attempt));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        last = new DeliveryException("interrupted", true, e);
        break;
      }
    }
    String reason = last == null ? "unknown" : last.getMessage();
    log.warn("giving up on {} {} to {}: {}", outgoing.kind(), outgoing.id(), target, reason);
    byte[] bytes = serdes.<SpecificRecord>anyRecordSerde().serializer().serialize(outgoing.source().name(), outgoing.event());
    long id = ledger.recordFailure(outgoing, target, reason, bytes);
    // It may have been read long ago (a re-drive): the dead letter points at the failed
    // delivery's ledger row (partition -1, "offset" = its id), which is what operators re-drive.
    kafka.send(Topics.DEAD_LETTERS.name(), outgoing.key(),
        DeadLetters.of("delivery-service", outgoing.source().name(), -1, id, outgoing.key().getBytes(), bytes,
            new IllegalStateException("delivery to " + target + " failed: " + reason))).join();
    receipt(outgoing, target, channel, DeliveryStatus.DEAD_LETTERED, settings.maxAttempts(), "dead-lettered as #" + id + ": " + reason);
    return Result.DEAD_LETTERED;
  }

  private void receipt(Outgoing outgoing, String target, ChannelType channel, DeliveryStatus status, int attempt, String detail) {
    kafka.send(Topics.DELIVERY_RECEIPTS.name(), outgoing.key(), DeliveryReceipt.newBuilder()
        .setEventId(Keys.derivedId("receipt", outgoing.id(), target, status.name(), Integer.toString(attempt)))
        .setTenantId(outgoing.tenantId())
        .setConversationId(outgoing.conversationId())
        .setReplyId(outgoing.id())
        .setKind(outgoing.kind())
        .setChannel(channel)
        .setStatus(status)
        .setAttempt(attempt)
        .setDetail(detail)
        .setCreatedAt(Instant.now())
        .build()).join();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
