package dev.parley.llm.dispatch;

import dev.parley.events.EnrichedTurn;
import dev.parley.llm.answer.TurnResponder;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DatabaseOutages;
import dev.parley.schemas.GroupMembership;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.Topics;
import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads enriched turns and keeps many model calls in flight ({@code parley.llm.max-in-flight},
 * 1,024 by default) whatever the number of partitions, while each conversation's turns are answered
 * in order ({@link OrderedWork}). When the limit is reached the partitions are paused
 * (backpressure) until a quarter of the slots are free again. Offsets are committed only below the
 * oldest turn still in flight ({@link OffsetTracker}); a redelivered turn that was already
 * answered is recognised by {@link dev.parley.llm.answer.AnsweredTurns}.
 *
 * <p>A record that cannot be decoded becomes a dead letter with its original bytes, and the
 * partition moves on. A turn whose answering fails outright (the database, a tool, a bug) gets the
 * fallback reply at once, and becomes a dead letter with its original bytes that an admin can
 * re-drive: a re-driven turn (header {@value DeadLetters#REDRIVE_HEADER}) is answered anew.
 */
@Component
class TurnDispatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TurnDispatcher.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration COMMIT_EVERY = Duration.ofMillis(500);
  private static final Duration DRAIN = Duration.ofSeconds(30);

  private record Done(TopicPartition partition, long offset) {
  }

  private final KafkaProperties properties;
  /** This instance's stable name, if it has one: a restart takes its partitions back at once. */
  private final String instanceId;
  private final AvroSerdes serdes;
  private final TurnResponder responder;
  /** Per assigned partition, the end offset when it was assigned: turns below it may have been read before (a redelivery). */
  private final Map<TopicPartition, Long> newFrom = new java.util.HashMap<>(); // the consumer's thread only
  private final KafkaTemplate<String, SpecificRecord> kafka;
  /** Model calls running at once (the pool's threads). */
  private final int maxInFlight;
  /** Of which one tenant's at most: a slow model or a flood of one tenant leaves room for the others. */
  private final int maxInFlightPerTenant;
  /** Turns read but not answered yet (running or waiting for their conversation or tenant) before reading pauses. */
  private final int maxBuffered;
  private final Workers.Worker health;
  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private volatile KafkaClientMetrics consumerMetrics;
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final OffsetTracker offsets = new OffsetTracker();
  private volatile boolean running;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Thread thread;
  private ExecutorService pool;
  private OrderedWork work;
  private TenantShares shares;
  private final io.github.resilience4j.retry.Retry databaseRetry = DatabaseOutages.retry();

  TurnDispatcher(KafkaProperties properties, AvroSerdes serdes, TurnResponder responder,
      KafkaTemplate<String, SpecificRecord> kafka, @Value("${parley.llm.max-in-flight}") int maxInFlight,
      @Value("${parley.llm.max-in-flight-per-tenant}") int maxInFlightPerTenant,
      @Value("${parley.llm.max-buffered}") int maxBuffered, Workers workers,
      @Value("${parley.instance-id:}") String instanceId, MeterRegistry meters, ObservationRegistry observations) {
    this.instanceId = instanceId;
    this.meters = meters;
    this.observations = observations;
    this.health = workers.register("turn-dispatcher");
    this.properties = properties;
    this.serdes = serdes;
    this.responder = responder;
    this.kafka = kafka;
    this.maxInFlight = maxInFlight;
    this.maxInFlightPerTenant = maxInFlightPerTenant;
    this.maxBuffered = Math.max(maxBuffered, maxInFlight);
  }

  @Override
  public void start() {
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory named = runnable -> {
      Thread t = new Thread(runnable, "turn-worker-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    pool = Executors.newFixedThreadPool(maxInFlight, named);
    shares = new TenantShares(pool, maxInFlightPerTenant);
    work = new OrderedWork();
    Map<String, Object> config = properties.buildConsumerProperties();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-llm");
    config.putAll(GroupMembership.staticMember(instanceId, null));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    consumerMetrics = new KafkaClientMetrics(consumer); // with its lag behind parley.enriched-turns
    consumerMetrics.bindTo(meters);
    running = true;
    thread = new Thread(this::run, "turn-dispatcher");
    thread.start();
  }

  private void run() {
    Deserializer<SpecificRecord> decoder = serdes.<SpecificRecord>anyRecordSerde().deserializer();
    long lastCommit = System.nanoTime();
    boolean paused = false;
    try {
      consumer.subscribe(List.of(Topics.ENRICHED_TURNS.name()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          drain(partitions);
          partitions.forEach(newFrom::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          // Turns from here on were not in the log when the partition came to this instance: no one
          // can have read them before (read_committed reads below the end offset only).
          try {
            newFrom.putAll(consumer.endOffsets(partitions));
          } catch (RuntimeException unknown) {
            // Not known now: every turn of these partitions is looked up, as before; the dispatcher goes on.
            log.warn("could not read the end offsets of {}: every turn of them is checked for an earlier answer: {}",
                partitions, unknown.toString());
          }
        }
      });
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          dispatch(record, decoder);
        }
        finishDone();
        if (!paused && work.inFlight() >= maxBuffered) {
          consumer.pause(consumer.assignment());
          paused = true;
        } else if (paused && work.inFlight() <= maxBuffered * 3 / 4) {
          consumer.resume(consumer.paused());
          paused = false;
        }
        if (System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos()) {
          commit();
          lastCommit = System.nanoTime();
        }
        health.running();
      }
      health.stopped();
    } catch (WakeupException stopping) {
      health.stopped(); // stop() woke us
    } catch (RuntimeException e) {
      // No more turns are read: the service is not alive any more, and its health says so (a
      // restart resumes from the committed offsets; turns in flight are redelivered, not lost).
      log.error("turn dispatcher stopped: {}", e.toString());
      health.died(e);
    } finally {
      drain(consumer.assignment());
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> record, Deserializer<SpecificRecord> decoder) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    offsets.started(partition, record.offset());
    SpecificRecord value;
    try {
      value = decoder.deserialize(record.topic(), record.headers(), record.value());
      if (!(value instanceof EnrichedTurn)) {
        throw new IllegalArgumentException("expected an EnrichedTurn, got " + (value == null ? "null" : value.getClass().getSimpleName()));
      }
    } catch (RuntimeException e) {
      deadLetter(record, e);
      offsets.finished(partition, record.offset());
      return;
    }
    EnrichedTurn turn = (EnrichedTurn) value;
    String redriveOf = DeadLetters.redriveOf(record.headers());
    boolean maybeSeen = record.offset() < newFrom.getOrDefault(partition, Long.MAX_VALUE);
    work.submit(record.key(), shares.of(turn.getTenantId()), () -> TurnTraces.answering(observations, record).observe(() -> {
      try {
        databaseRetry.executeCallable(() -> {
          responder.answer(record.key(), turn, redriveOf, maybeSeen);
          return null;
        });
      } catch (Throwable e) { // a bug included: the customer is never left without an answer
        log.warn("could not answer turn {}: {}", turn.getEventId(), e.toString());
        try {
          responder.fallback(record.key(), turn, redriveOf, e);
        } catch (RuntimeException unsent) {
          log.error("could not send the fallback reply to turn {}: {}", turn.getEventId(), unsent.toString());
        }
        deadLetter(record, e);
      }
    }), () -> done.add(new Done(partition, record.offset())));
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, Throwable cause) {
    try {
      kafka.send(Topics.DEAD_LETTERS.name(), record.key(), DeadLetters.of("llm-service", record.topic(), record.partition(),
          record.offset(), record.key() == null ? null : record.key().getBytes(), record.value(), cause)).get();
    } catch (Exception e) {
      log.error("could not dead-letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
  }

  private void finishDone() {
    for (Done finished = done.poll(); finished != null; finished = done.poll()) {
      offsets.finished(finished.partition(), finished.offset());
    }
  }

  private void commit() {
    var commits = offsets.toCommit();
    if (!commits.isEmpty()) {
      consumer.commitSync(commits);
    }
  }

  /** Waits (bounded) for the partitions' turns in flight to finish, then commits what they allow. */
  private void drain(Collection<TopicPartition> partitions) {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    finishDone();
    while (offsets.hasPending(partitions) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      finishDone();
    }
    try {
      commit();
    } catch (RuntimeException e) {
      log.warn("could not commit offsets of revoked partitions: {}", e.toString());
    }
    offsets.forget(partitions);
  }

  @Override
  public void stop() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(DRAIN.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
