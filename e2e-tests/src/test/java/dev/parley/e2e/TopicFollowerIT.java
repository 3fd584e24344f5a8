package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.DeadLetter;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.TopicFollower;
import dev.parley.schemas.Topics;
import dev.parley.schemas.health.Workers;
import dev.parley.schemas.health.WorkersHealth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * The followers every service runs (the reply gateway, reference loaders) on the real broker:
 * a failing handler is retried until it succeeds (nothing skipped) or skipped by choice, and a
 * follower whose thread dies makes the service's health DOWN with the reason.
 */
class TopicFollowerIT {

  @Test
  void shouldRetryTheSameRecordUntilItsHandlerSucceedsAndReportRetryingMeanwhile() throws Exception {
    Workers workers = new Workers();
    String key = "follower-" + UUID.randomUUID();
    AtomicInteger attempts = new AtomicInteger();
    List<String> handled = new CopyOnWriteArrayList<>();
    List<Status> seenWhileFailing = new CopyOnWriteArrayList<>();
    try (var follower = follow(workers, TopicFollower.OnFailure.RETRY, record -> {
      if (!key.equals(record.key())) {
        return;
      }
      if (attempts.incrementAndGet() < 3) {
        seenWhileFailing.add(WorkersHealth.ready(workers).health().getStatus());
        throw new IllegalStateException("database down");
      }
      handled.add(record.key());
    }, () -> { })) {
      publish(key);

      await(() -> handled.contains(key));
      assertThat(attempts).hasValue(3);
      assertThat(handled).containsExactly(key);
      await(() -> WorkersHealth.ready(workers).health().getStatus().equals(Status.UP));
      assertThat(WorkersHealth.alive(workers).health().getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void shouldSkipARecordItsHandlerFailsOnWhenToldToAndGoOn() throws Exception {
    Workers workers = new Workers();
    String bad = "bad-" + UUID.randomUUID();
    String good = "good-" + UUID.randomUUID();
    List<String> handled = new CopyOnWriteArrayList<>();
    try (var follower = follow(workers, TopicFollower.OnFailure.SKIP, record -> {
      if (bad.equals(record.key())) {
        throw new IllegalStateException("a bug");
      }
      handled.add(record.key());
    }, () -> { })) {
      publish(bad);
      publish(good);

      await(() -> handled.contains(good));
      assertThat(handled).doesNotContain(bad);
    }
  }

  @Test
  void shouldMakeHealthDownWithTheReasonWhenTheFollowerDies() throws Exception {
    Workers workers = new Workers();
    AtomicInteger polls = new AtomicInteger();
    try (var follower = follow(workers, TopicFollower.OnFailure.SKIP, record -> { }, () -> {
      if (polls.incrementAndGet() == 3) {
        throw new IllegalStateException("consumer fenced");
      }
    })) {
      await(() -> WorkersHealth.alive(workers).health().getStatus().equals(Status.DOWN));

      var alive = WorkersHealth.alive(workers).health();
      assertThat(alive.getDetails().values().toString()).contains("DEAD").contains("consumer fenced");
    }
  }

  private static TopicFollower follow(Workers workers, TopicFollower.OnFailure onFailure,
      java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<String, SpecificRecord>> handler,
      Runnable afterPoll) {
    var stack = Pipeline.stack();
    return TopicFollower.start("test-follower-" + UUID.randomUUID(),
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new AvroSerdes(stack.registryUrl()),
        List.of(Topics.DEAD_LETTERS.name()), TopicFollower.StartAt.END, handler, afterPoll, workers, onFailure,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** Any record will do: a dead letter of a made-up service, keyed so the test can tell its own. */
  private static void publish(String key) throws Exception {
    var stack = Pipeline.stack();
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (var producer = new KafkaProducer<String, SpecificRecord>(config, new StringSerializer(),
        new AvroSerdes(stack.registryUrl()).<SpecificRecord>anyRecordSerde().serializer())) {
      DeadLetter letter = DeadLetters.of("topic-follower-test", "none", 0, 0, null, null, new IllegalStateException("test"));
      producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key, letter)).get();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
