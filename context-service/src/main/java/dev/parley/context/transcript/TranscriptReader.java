package dev.parley.context.transcript;

import dev.parley.schemas.audit.AvroJson;
import dev.parley.schemas.audit.ConversationLog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a conversation's events from the topics at the offsets the index gives, decodes them and
 * puts them in order: by record time, then by where a turn goes first ({@link ConversationLog}),
 * then by offset. Records no longer on the topic (past retention) are counted as missing.
 */
public final class TranscriptReader {

  /** Past this gap between two wanted offsets, seek instead of reading through the records in between. */
  private static final long SEEK_GAP = 500;

  /** One event of a transcript. */
  public record Event(Instant at, ConversationLog source, int partition, long offset, IndexedRecord value) {

    /** {@code {"at", "kind", "topic", "partition", "offset", "event": {...}}}. */
    public ObjectNode toJson() {
      ObjectNode json = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      json.put("at", at.toString());
      json.put("kind", source.kind());
      json.put("topic", source.topic.name());
      json.put("partition", partition);
      json.put("offset", offset);
      json.set("event", AvroJson.of(value));
      return json;
    }
  }

  /** The events found, in order, and how many indexed records were no longer on their topic. */
  public record Transcript(List<Event> events, long missing) {
  }

  private final Map<String, Object> consumerConfig;
  private final Deserializer<IndexedRecord> values;
  private final Duration timeout;

  /**
   * @param consumerConfig the broker's address and client settings; the reader adds its own deserializers
   * @param values         decodes any Parley record (the registry's serde)
   */
  public TranscriptReader(Map<String, Object> consumerConfig, Deserializer<IndexedRecord> values, Duration timeout) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group
    this.consumerConfig = Map.copyOf(config);
    this.values = values;
    this.timeout = timeout;
  }

  public Transcript read(ConversationOffsets where) {
    List<Event> events = new ArrayList<>();
    long missing = where.dropped();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Map.Entry<String, long[]> topic : where.all().entrySet()) {
        ConversationLog source = ConversationLog.of(topic.getKey()).orElse(null);
        if (source == null) {
          continue; // a topic an earlier version indexed and transcripts no longer show
        }
        long found = read(consumer, new TopicPartition(topic.getKey(), where.partition()), topic.getValue(), deadline,
            record -> events.add(new Event(Instant.ofEpochMilli(record.timestamp()), source, record.partition(), record.offset(),
                values.deserialize(record.topic(), record.value()))));
        missing += topic.getValue().length - found;
      }
    }
    events.sort(Comparator.comparing(Event::at).thenComparing(Event::source).thenComparingLong(Event::offset));
    return new Transcript(List.copyOf(events), missing);
  }

  /** Reads the wanted offsets of one partition (ascending); returns how many it found. */
  private static long read(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long[] wanted, long deadline,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> into) {
    if (wanted.length == 0) {
      return 0;
    }
    consumer.assign(List.of(partition));
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    long start = consumer.beginningOffsets(List.of(partition)).get(partition);
    int next = 0;
    while (next < wanted.length && wanted[next] < start) {
      next++; // deleted by retention
    }
    long found = 0;
    if (next < wanted.length) {
      consumer.seek(partition, wanted[next]);
    }
    while (next < wanted.length && wanted[next] < end && System.nanoTime() < deadline) {
      var records = consumer.poll(Duration.ofMillis(200)).records(partition);
      for (ConsumerRecord<String, byte[]> record : records) {
        while (next < wanted.length && wanted[next] < record.offset()) {
          next++; // a wanted offset that is not there (compacted away or a transaction marker)
        }
        if (next < wanted.length && wanted[next] == record.offset()) {
          into.accept(record);
          found++;
          next++;
        }
      }
      long position = consumer.position(partition);
      while (next < wanted.length && wanted[next] < position) {
        next++; // read past and not there: an aborted record, skipped under read_committed
      }
      if (next < wanted.length && wanted[next] - position > SEEK_GAP) {
        consumer.seek(partition, wanted[next]);
      }
    }
    return found;
  }
}
