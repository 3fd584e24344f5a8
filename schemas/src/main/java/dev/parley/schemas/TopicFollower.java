package dev.parley.schemas;

import dev.parley.schemas.health.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics on its own thread, without a consumer group, and hands
 * each record to a handler. For readers that every instance needs in full: the reply gateway
 * (the client may be connected to any instance) and in-memory views of compacted reference
 * topics. Nothing is committed; a restarted follower starts again from where it is told.
 *
 * <p>An undecodable record is skipped with a warning naming its position (the record stays on
 * its topic for the services that own it); the follower never stops on one.
 */
public final class TopicFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** What to do when the handler fails on a record. */
  public enum OnFailure {
    /**
     * Try the same record again, with backoff, until it succeeds (a store whose database is down:
     * nothing may be skipped); the worker reports RETRYING meanwhile.
     */
    RETRY,
    /** Log the failure (never the record) and go on with the next record. */
    SKIP
  }

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** Where to start reading. */
  public enum StartAt {
    /** The whole topic: {@link #start} returns once what was there at start has been handled. */
    BEGINNING,
    /** Only records written from now on. */
    END
  }

  private final KafkaConsumer<String, SpecificRecord> consumer;
  private final Consumer<ConsumerRecord<String, SpecificRecord>> handler;
  private final Runnable afterPoll;
  private final Workers.Worker worker;
  private final OnFailure onFailure;
  private final Thread thread;
  private final KafkaClientMetrics metrics;
  private volatile boolean running = true;

  private TopicFollower(String name, KafkaConsumer<String, SpecificRecord> consumer,
      Consumer<ConsumerRecord<String, SpecificRecord>> handler, Runnable afterPoll, Workers.Worker worker, OnFailure onFailure,
      KafkaClientMetrics metrics) {
    this.metrics = metrics;
    this.consumer = consumer;
    this.handler = handler;
    this.afterPoll = afterPoll;
    this.worker = worker;
    this.onFailure = onFailure;
    this.thread = new Thread(this::follow, name);
    this.thread.setDaemon(true);
  }

  /**
   * Starts following the topics.
   *
   * @param clientConfig consumer settings (bootstrap servers, security); any group id is ignored
   * @param afterPoll    runs on the follower's thread after every poll, for time-based work
   * @param workers      where the follower reports how it is doing (health)
   * @param onFailure    what a failing handler means
   * @param meters       where the consumer's own metrics go (fetch rate, lag)
   */
  public static TopicFollower start(String name, Map<String, Object> clientConfig, AvroSerdes serdes,
      Collection<String> topics, StartAt startAt, Consumer<ConsumerRecord<String, SpecificRecord>> handler,
      Runnable afterPoll, Workers workers, OnFailure onFailure, MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var consumer = new KafkaConsumer<>(config, new StringDeserializer(), serdes.<SpecificRecord>anyRecordSerde().deserializer());
    TopicFollower follower = new TopicFollower(name, consumer, handler, afterPoll, workers.register(name), onFailure,
        new KafkaClientMetrics(consumer, Tags.of("follower", name)));
    follower.metrics.bindTo(meters);
    try {
      List<TopicPartition> partitions = topics.stream().flatMap(topic -> partitionsOf(consumer, topic).stream()).toList();
      consumer.assign(partitions);
      if (startAt == StartAt.BEGINNING) {
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          follower.pollOnce();
        }
      } else {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix "the end" now, before anyone relies on it
      }
    } catch (RuntimeException e) {
      follower.metrics.close();
      consumer.close();
      throw e;
    } catch (InterruptedException e) {
      follower.metrics.close();
      consumer.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + topics, e);
    }
    follower.thread.start();
    return follower;
  }

  private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    var infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
  }

  private void follow() {
    try {
      while (running) {
        pollOnce();
      }
      worker.stopped();
    } catch (WakeupException | InterruptedException stopping) {
      worker.stopped(); // close() woke us
    } catch (RuntimeException e) {
      // Nothing more will be read: the service is not alive any more (health says so, with why).
      log.error("follower {} stopped: {}", thread.getName(), e.toString());
      worker.died(e);
    } finally {
      metrics.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void pollOnce() throws InterruptedException {
    try {
      for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(POLL)) {
        handle(record);
      }
    } catch (RecordDeserializationException e) {
      log.warn("skipping undecodable record at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
    afterPoll.run();
    worker.running();
  }

  private void handle(ConsumerRecord<String, SpecificRecord> record) throws InterruptedException {
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      try {
        handler.accept(record);
        return;
      } catch (RuntimeException e) {
        if (onFailure == OnFailure.SKIP) {
          log.warn("{} could not handle the record at {}-{} offset {}: {}", thread.getName(), record.topic(), record.partition(),
              record.offset(), e.toString());
          return;
        }
        worker.retrying(e);
        log.warn("{} could not handle the record at {}-{} offset {}, trying again in {} ms: {}", thread.getName(), record.topic(),
            record.partition(), record.offset(), backoff.toMillis(), e.toString());
        if (!running) {
          throw new InterruptedException("stopping");
        }
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
