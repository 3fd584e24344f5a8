package dev.parley.schemas.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one tenant's records of the conversation log in a time range, in a fixed order — topic by
 * topic ({@link ConversationLog}'s order), partition by partition, offset by offset — so that an
 * export can resume exactly after the last position a client received. Committed records only.
 *
 * <p>Each partition is read from the first offset at or after {@code from} to the first at or after
 * {@code to} (both found by time), and records are kept when their key is the tenant's and their
 * time is in the range (record times are not strictly ordered on a partition). Other tenants'
 * records are skipped by their key's bytes, never decoded.
 */
public final class ConversationLogReader {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final int MAX_IDLE_POLLS = 100;

  private final Map<String, Object> consumerConfig;

  /** @param consumerConfig the broker's address and client settings; the reader adds its own */
  public ConversationLogReader(Map<String, Object> consumerConfig) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    // One partition is read at a time, up to a known end: a fetch that finds nothing more (the end
    // is a transaction marker) comes back at once rather than after the broker's 500 ms wait.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group
    this.consumerConfig = Map.copyOf(config);
  }

  /**
   * The tenant's records from {@code from} (inclusive) to {@code to} (exclusive), after
   * {@code after} when given. Lazy: records are read as the stream is consumed; close the stream
   * (try-with-resources) to let go of the broker connection.
   */
  public Stream<LogRecord> read(String tenantId, Instant from, Instant to, LogPosition after) {
    Records records = new Records(new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
        (tenantId + ":").getBytes(StandardCharsets.UTF_8), from, to, after);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(records::close);
  }

  /** The partitions of the log in reading order, and where each starts. */
  private static final class Records implements Iterator<LogRecord> {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final byte[] prefix;
    private final Instant from;
    private final Instant to;
    private final ArrayDeque<TopicPartition> partitions = new ArrayDeque<>();
    private final ArrayDeque<LogRecord> ready = new ArrayDeque<>();
    private final LogPosition after;
    private final Map<TopicPartition, Long> starts;
    private final Map<TopicPartition, Long> ends;
    private TopicPartition current;
    private long end;
    private int idlePolls;

    Records(KafkaConsumer<byte[], byte[]> consumer, byte[] prefix, Instant from, Instant to, LogPosition after) {
      this.consumer = consumer;
      this.prefix = prefix;
      this.from = from;
      this.to = to;
      this.after = after;
      boolean reached = after == null;
      List<TopicPartition> all = new ArrayList<>();
      for (ConversationLog source : ConversationLog.values()) {
        List<PartitionInfo> infos = new ArrayList<>(consumer.partitionsFor(source.topic.name()));
        infos.sort(java.util.Comparator.comparingInt(PartitionInfo::partition));
        for (PartitionInfo info : infos) {
          TopicPartition partition = new TopicPartition(info.topic(), info.partition());
          reached = reached || partition.topic().equals(after.topic()) && partition.partition() == after.partition();
          if (reached) {
            partitions.add(partition);
          }
          all.add(partition);
        }
      }
      // Where the range starts and ends on every partition: three requests, not three per partition.
      this.starts = offsetsAt(all, from);
      this.ends = offsetsAt(all, to);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (current == null && !nextPartition()) {
          return false;
        }
        fill();
      }
      return true;
    }

    @Override
    public LogRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    /** Moves to the next partition that has records in the range; false when none is left. */
    private boolean nextPartition() {
      while (!partitions.isEmpty()) {
        TopicPartition partition = partitions.poll();
        long start = after != null && partition.topic().equals(after.topic()) && partition.partition() == after.partition()
            ? Math.max(after.offset() + 1, starts.get(partition)) : starts.get(partition);
        long stop = ends.get(partition);
        if (start < stop) {
          consumer.assign(List.of(partition));
          consumer.seek(partition, start);
          current = partition;
          end = stop;
          return true;
        }
      }
      return false;
    }

    private void fill() {
      var records = consumer.poll(POLL).records(current);
      // Nothing for 10 s (100 polls) below the end: a transaction still open there (read_committed waits for
      // it); the partition ends where it stands rather than keeping the reader forever.
      idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (record.offset() >= end) {
          break;
        }
        if (record.key() != null && startsWith(record.key(), prefix) && !Instant.ofEpochMilli(record.timestamp()).isBefore(from)
            && Instant.ofEpochMilli(record.timestamp()).isBefore(to)) {
          ready.add(new LogRecord(ConversationLog.of(record.topic()).orElseThrow(),
              new LogPosition(record.topic(), record.partition(), record.offset()),
              new String(record.key(), StandardCharsets.UTF_8), Instant.ofEpochMilli(record.timestamp()), record.value(), record.headers()));
        }
      }
      if (consumer.position(current) >= end || idlePolls >= MAX_IDLE_POLLS) {
        current = null;
        idlePolls = 0;
      }
    }

    /** Per partition, the first offset at or after the time; the end of the partition where there is none. */
    private Map<TopicPartition, Long> offsetsAt(List<TopicPartition> all, Instant time) {
      Map<TopicPartition, Long> query = new HashMap<>();
      all.forEach(partition -> query.put(partition, time.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      Map<TopicPartition, Long> offsets = new HashMap<>();
      all.forEach(partition -> offsets.put(partition, found.get(partition) != null ? found.get(partition).offset() : end.get(partition)));
      return offsets;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
      return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    void close() {
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
