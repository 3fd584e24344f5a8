package dev.parley.e2e;

import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning, as an auditor would, to see what the pipeline wrote. */
final class TopicReader {

  private TopicReader() {
  }

  /** Every committed record of the topic matching the filter, up to the end of the topic as it is now. */
  static <V extends SpecificRecord> List<V> readAll(Topic<V> topic, Predicate<V> filter) {
    try (var consumer = consumer(topic)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the last stable offsets
      List<V> found = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        try {
          for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() != null && filter.test(record.value())) {
              found.add(record.value());
            }
          }
        } catch (RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
      return found;
    }
  }

  private static <V extends SpecificRecord> KafkaConsumer<String, V> consumer(Topic<V> topic) {
    var stack = Pipeline.stack();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new AvroSerdes(stack.registryUrl()).<V>valueSerde(topic).deserializer());
  }

  /** Every committed record of the topic matching the filter, once the condition holds or the time is up. */
  static <V extends SpecificRecord> List<V> read(Topic<V> topic, Predicate<V> filter, Predicate<List<V>> until, Duration timeout) {
    List<V> values = new ArrayList<>();
    readRecords(topic, filter, records -> until.test(values(records, values)), timeout);
    return values;
  }

  /** As {@link #read}, with each record's key and headers. */
  static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readRecords(Topic<V> topic, Predicate<V> filter,
      Predicate<List<ConsumerRecord<String, V>>> until, Duration timeout) {
    try (var consumer = consumer(topic)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, V>> found = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() != null && filter.test(record.value())) {
              found.add(record);
            }
          }
        } catch (RecordDeserializationException e) { // garbage written on purpose by the dead-letter tests
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
        if (until.test(found)) {
          break;
        }
      }
      return found;
    }
  }

  private static <V> List<V> values(List<ConsumerRecord<String, V>> records, List<V> into) {
    into.clear();
    records.forEach(record -> into.add(record.value()));
    return into;
  }
}
