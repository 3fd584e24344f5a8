package dev.parley.delivery.channel;

import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.events.AssistantReply;
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
 * Sends a reply to an outbound target the way every channel needs it: at most once per target
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

  public Result deliver(AssistantReply reply, Outbound outbound, ChannelType channel) {
    String target = outbound.target(reply);
    if (ledger.delivered(reply.getEventId(), target)) {
      return Result.ALREADY_DELIVERED; // a redelivered reply: it went out already
    }
    Bucket limit = limits.computeIfAbsent(target, t -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(settings.perSecond()).refillGreedy(settings.perSecond(), Duration.ofSeconds(1)).build())
        .build());
    DeliveryException last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      try {
        limit.asBlocking().consume(1);
        outbound.send(reply);
        ledger.recordDelivered(reply.getEventId(), target);
        receipt(reply, target, channel, DeliveryStatus.DELIVERED, attempt, "delivered to " + target);
        return Result.DELIVERED;
      } catch (DeliveryException e) {
        last = e;
        receipt(reply, target, channel, DeliveryStatus.FAILED, attempt, e.getMessage());
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
    log.warn("giving up on reply {} to {}: {}", reply.getEventId(), target, reason);
    byte[] bytes = serdes.<AssistantReply>valueSerde(Topics.REPLIES).serializer().serialize(Topics.REPLIES.name(), reply);
    long id = ledger.recordFailure(reply.getTenantId(), reply.getConversationId(), reply.getEventId(), target, reason, bytes);
    // The reply may have been read long ago (a re-drive): the dead letter points at the failed
    // delivery's ledger row (partition -1, "offset" = its id), which is what operators re-drive.
    kafka.send(Topics.DEAD_LETTERS.name(), Keys.of(reply.getTenantId(), reply.getConversationId()),
        DeadLetters.of("delivery-service", Topics.REPLIES.name(), -1, id,
            Keys.of(reply.getTenantId(), reply.getConversationId()).getBytes(), bytes,
            new IllegalStateException("delivery to " + target + " failed: " + reason))).join();
    receipt(reply, target, channel, DeliveryStatus.DEAD_LETTERED, settings.maxAttempts(), "dead-lettered as #" + id + ": " + reason);
    return Result.DEAD_LETTERED;
  }

  private void receipt(AssistantReply reply, String target, ChannelType channel, DeliveryStatus status, int attempt, String detail) {
    kafka.send(Topics.DELIVERY_RECEIPTS.name(), Keys.of(reply.getTenantId(), reply.getConversationId()), DeliveryReceipt.newBuilder()
        .setEventId(Keys.derivedId("receipt", reply.getEventId(), target, status.name(), Integer.toString(attempt)))
        .setTenantId(reply.getTenantId())
        .setConversationId(reply.getConversationId())
        .setReplyId(reply.getEventId())
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
