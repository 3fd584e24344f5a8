package dev.parley.context.transcript;

import dev.parley.schemas.audit.ConversationLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Rebuilds the transcript index from the conversation log into a fresh application id and checks
 * that it equals the live index: the live one's content is read from its changelog (what its
 * stores hold as of its last commit), the rebuilt one from its own store, each as a
 * {@link StoreChecksum}. Prints how many events it read and how fast.
 *
 * <p>The rebuilt copy has no changelog and is deleted afterwards: rebuilding writes nothing to the
 * broker but the new application's consumer offsets, which it removes too. Compare on a quiet
 * pipeline (or the comparison is retried while the live index catches up).
 *
 * <pre>
 * java -Dloader.main=dev.parley.context.transcript.IndexRebuild \
 *   -cp context-service/target/context-service-*-exec.jar org.springframework.boot.loader.launch.PropertiesLauncher \
 *   --bootstrap localhost:9092 [--application-id parley-transcripts]
 * </pre>
 */
public final class IndexRebuild {

  /** What a rebuild found: the events it read (records, not transaction markers) and in how long. */
  public record Result(String applicationId, long events, double seconds, StoreChecksum rebuilt, StoreChecksum live) {

    public boolean equal() {
      return rebuilt.value().equals(live.value());
    }

    public double eventsPerSecond() {
      return events / seconds;
    }

    @Override
    public String toString() {
      return String.format("transcript index rebuilt into %s: %,d events in %.2f s = %,.0f events/s; %s: rebuilt %s, live %s",
          applicationId, events, seconds, eventsPerSecond(), equal() ? "EQUAL" : "DIFFERENT", rebuilt, live);
    }
  }

  private static final Duration COMPARE_AGAIN = Duration.ofSeconds(2);
  private static final int COMPARISONS = 5;

  private IndexRebuild() {
  }

  public static void main(String[] args) throws Exception {
    // A command, not the service: the clients' own logging only when something is wrong.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String bootstrap = options.getOrDefault("bootstrap", System.getenv().getOrDefault("PARLEY_KAFKA_BOOTSTRAP", "localhost:9092"));
    Result result = run(bootstrap, options.getOrDefault("application-id", "parley-transcripts"), Duration.ofMinutes(30));
    System.out.println(result);
    System.exit(result.equal() ? 0 : 1);
  }

  /**
   * @param liveApplicationId the live index's application id (its changelog is
   *                          {@code <id>-transcript-index-changelog})
   */
  public static Result run(String bootstrap, String liveApplicationId, Duration timeout) throws Exception {
    String applicationId = liveApplicationId + "-rebuild-" + System.currentTimeMillis();
    Path stateDir = Files.createTempDirectory("parley-index-rebuild");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, Long> ends = offsets(admin, OffsetSpec.latest());
      Map<TopicPartition, Long> starts = offsets(admin, OffsetSpec.earliest());

      StreamsBuilder builder = new StreamsBuilder();
      TranscriptIndexTopology.define(builder, false);
      KafkaStreams streams = new KafkaStreams(builder.build(), config(bootstrap, applicationId, stateDir));
      try {
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        streams.setStateListener((now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
        });
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        running.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        while (!caughtUp(admin, applicationId, ends, starts)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the rebuild did not reach the end of the log within " + timeout);
          }
          Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long processed = (long) streams.metrics().values().stream()
            .filter(metric -> metric.metricName().group().equals("stream-thread-metrics") && metric.metricName().name().equals("process-total"))
            .mapToDouble(metric -> ((Number) metric.metricValue()).doubleValue()).sum();
        StoreChecksum rebuilt = rebuilt(streams);
        StoreChecksum live = live(bootstrap, liveApplicationId);
        for (int i = 1; i < COMPARISONS && !rebuilt.value().equals(live.value()); i++) {
          Thread.sleep(COMPARE_AGAIN.toMillis()); // the live index may still be committing what the rebuild read
          rebuilt = rebuilt(streams);
          live = live(bootstrap, liveApplicationId);
        }
        return new Result(applicationId, processed, seconds, rebuilt, live);
      } finally {
        // Leaves the group, so that the rebuild's group can go with its offsets.
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
            org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
        streams.cleanUp();
        try {
          admin.deleteConsumerGroups(List.of(applicationId)).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
          System.err.println("the rebuild's consumer group " + applicationId + " is left behind: " + e.getCause());
        }
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private static Properties config(String bootstrap, String applicationId, Path stateDir) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
    config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
    // A commit flushes every conversation the cache changed to RocksDB: rarely, so that a hot
    // conversation is written once a second, not once per record or per 100 ms.
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, TranscriptStreams.NEVER_WAIT);
    return config;
  }

  /** The conversation log's partitions at the start or the end. */
  private static Map<TopicPartition, Long> offsets(Admin admin, OffsetSpec spec) throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (var description : admin.describeTopics(ConversationLog.topicNames()).allTopicNames().get().values()) {
      description.partitions().forEach(partition -> query.put(new TopicPartition(description.name(), partition.partition()), spec));
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listOffsets(query, new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
        .all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  /** Has the rebuild committed every partition up to where the log ended when it started. */
  private static boolean caughtUp(Admin admin, String applicationId, Map<TopicPartition, Long> ends, Map<TopicPartition, Long> starts)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
    for (var end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      if (end.getValue() > starts.get(end.getKey()) && (at == null || at.offset() < end.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static StoreChecksum rebuilt(KafkaStreams streams) {
    StoreChecksum checksum = new StoreChecksum();
    var store = streams.store(StoreQueryParameters.fromNameAndType(TranscriptIndexTopology.INDEX_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    try (var all = store.all()) {
      all.forEachRemaining(entry -> checksum.add(entry.key, entry.value));
    }
    return checksum;
  }

  /** The live index as its changelog holds it: the latest value of every key, tombstones removing it. */
  private static StoreChecksum live(String bootstrap, String liveApplicationId) {
    String changelog = liveApplicationId + "-" + TranscriptIndexTopology.INDEX_STORE + "-changelog";
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    Map<String, byte[]> latest = new HashMap<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(changelog).forEach(info -> partitions.add(new TopicPartition(changelog, info.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (record.value() == null) {
            latest.remove(record.key());
          } else {
            latest.put(record.key(), record.value());
          }
        });
      }
    }
    StoreChecksum checksum = new StoreChecksum();
    latest.forEach(checksum::add);
    return checksum;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
