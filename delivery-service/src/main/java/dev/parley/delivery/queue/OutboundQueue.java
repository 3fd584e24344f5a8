package dev.parley.delivery.queue;

import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.Targets;
import dev.parley.delivery.channel.Targets.Target;
import dev.parley.delivery.ledger.DeliveryLedger.FailedDelivery;
import dev.parley.delivery.queue.PendingDeliveries.Backlog;
import dev.parley.delivery.queue.PendingDeliveries.Lane;
import dev.parley.delivery.queue.PendingDeliveries.Pending;
import dev.parley.delivery.receipt.Receipts;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.Topics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Per-target queues for everything sent out. A listener {@link #submit submits} a record for its
 * targets (a row per target in PostgreSQL, written before the offset is committed) and goes on
 * with the next record; each target's {@link DeliveryLane lane} sends its rows in order, retries
 * with backoff on its own timer, and gives up into a failed delivery kept for re-drive. One
 * tenant's slow or dead receiver therefore holds back only its own queue.
 *
 * <p>Lanes follow the partitions this instance owns: a lane exists per target and partition, so
 * instances never send the same row, and a partition's next owner picks up what is left (each row
 * at most once per target: the ledger is written with the outcome).
 */
public final class OutboundQueue implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);
  private static final Duration SWEEP = Duration.ofSeconds(5);

  /** How lanes run. {@code stopWait}: how long a rebalance waits for answers being awaited. */
  public record Settings(Retries retries, int perSecond, int threads, Duration stopWait) {
  }

  private final PendingDeliveries store;
  private final Targets targets;
  /** One serde for all: each keeps the registry's answers, a new one would ask again (tens of ms). */
  private final Serde<SpecificRecord> serde;
  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final Receipts receipts;
  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
  private final Map<Lane, DeliveryLane> lanes = new ConcurrentHashMap<>();
  private final Map<String, Bucket> limits = new ConcurrentHashMap<>();
  private final LaneContext context = new Shared();
  private volatile Backlog backlog = new Backlog(0, null);

  public OutboundQueue(PendingDeliveries store, Targets targets, AvroSerdes serdes, KafkaTemplate<String, SpecificRecord> kafka,
      Receipts receipts, Settings settings) {
    this.store = store;
    this.targets = targets;
    this.serde = serdes.anyRecordSerde();
    this.kafka = kafka;
    this.receipts = receipts;
    this.settings = settings;
    AtomicInteger threads = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(settings.threads(), runnable -> {
      Thread thread = new Thread(runnable, "delivery-lanes-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Queues a record read from {@code topic}-{@code partition} for its targets; returns when the
   * rows are stored (the offset may be committed then), not when anything is sent.
   */
  public void submit(String topic, int partition, Outgoing outgoing, List<Target> to) {
    if (to.isEmpty()) {
      return;
    }
    byte[] payload = serde.serializer().serialize(topic, outgoing.event());
    store.enqueue(topic, partition, outgoing.id(), payload, to);
    to.forEach(target -> wake(new Lane(topic, partition, target.name())));
  }

  /** The failed target can no longer be sent to (a webhook was deleted since). */
  public static final class TargetGone extends RuntimeException {
    TargetGone(String target) {
      super("the webhook " + target + " is no longer registered");
    }
  }

  /**
   * Queues a failed delivery again; false when it was delivered since or is queued already.
   *
   * @throws TargetGone when its webhook was deleted since
   */
  public boolean redrive(FailedDelivery failure) {
    Outgoing outgoing = Outgoing.of(serde.deserializer()
        .deserialize(failure.sourceTopic(), failure.payload()));
    if (targets.named(failure.target(), outgoing).isEmpty()) {
      throw new TargetGone(failure.target());
    }
    Optional<Lane> lane = store.redrive(failure.id(), Targets.channelOf(failure.target()));
    lane.ifPresent(this::wake); // another instance's partition: its sweep finds the row
    return lane.isPresent();
  }

  /** Partitions assigned to this instance: their lanes start with what is queued. */
  public void own(Collection<TopicPartition> partitions) {
    owned.addAll(partitions);
    scheduler.execute(this::sweep);
  }

  /**
   * Partitions taken away: their lanes stop, and this returns once answers being awaited are
   * recorded (or {@code stopWait} passed), so the next owner does not send those again.
   */
  public void release(Collection<TopicPartition> partitions) {
    owned.removeAll(partitions);
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    lanes.entrySet().removeIf(entry -> {
      if (partitions.contains(partitionOf(entry.getKey()))) {
        stopping.add(entry.getValue().stop());
        return true;
      }
      return false;
    });
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).get(settings.stopWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("{} lanes still awaiting an answer after {}; the partitions' next owner may send those again", stopping.size(),
          settings.stopWait());
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rows waiting to be sent, as of the last sweep. */
  public Backlog backlog() {
    return backlog;
  }

  @Override
  public void close() {
    release(List.copyOf(owned));
    scheduler.shutdownNow();
  }

  private void wake(Lane lane) {
    if (owned.contains(partitionOf(lane))) {
      lanes.computeIfAbsent(lane, key -> new DeliveryLane(key, context)).wake();
    }
  }

  /** Wakes lanes with rows this instance was not told about (re-drives, a restart, a rebalance). */
  private void sweep() {
    try {
      store.lanes().forEach(this::wake);
      backlog = store.backlog();
    } catch (RuntimeException e) {
      log.warn("could not read the delivery queues: {}", e.toString());
    }
  }

  private static TopicPartition partitionOf(Lane lane) {
    return new TopicPartition(lane.topic(), lane.partition());
  }

  private final class Shared implements LaneContext {

    @Override
    public PendingDeliveries store() {
      return store;
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return scheduler;
    }

    @Override
    public Retries retries() {
      return settings.retries();
    }

    @Override
    public Receipts receipts() {
      return receipts;
    }

    @Override
    public boolean owns(Lane lane) {
      return owned.contains(partitionOf(lane));
    }

    @Override
    public Bucket limit(String target) {
      return limits.computeIfAbsent(target, t -> Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(settings.perSecond()).refillGreedy(settings.perSecond(), Duration.ofSeconds(1)).build())
          .build());
    }

    @Override
    public Outgoing decode(Pending pending) {
      return Outgoing.of(serde.deserializer().deserialize(pending.lane().topic(), pending.payload()));
    }

    @Override
    public Optional<Outbound> outbound(Pending pending, Outgoing outgoing) {
      return targets.named(pending.lane().target(), outgoing);
    }

    @Override
    public void deadLetter(Pending done, Outgoing outgoing) {
      // It may have been read long ago (a re-drive): the dead letter points at the failed
      // delivery's row (partition -1, "offset" = its id), which is what operators re-drive.
      kafka.send(Topics.DEAD_LETTERS.name(), outgoing.key(), DeadLetters.of("delivery-service", done.lane().topic(), -1,
          done.failureId(), outgoing.key().getBytes(), done.payload(),
          new IllegalStateException("delivery to " + done.lane().target() + " failed: " + done.lastError()))).join();
    }
  }
}
