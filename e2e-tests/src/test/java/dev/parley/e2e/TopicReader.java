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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning, as an auditor would, to see what the pipeline wrote. */
final class TopicReader {

  private TopicReader() {
  }

  /** Every committed record of the topic matching the filter, once the condition holds or the time is up. */
  static <V extends SpecificRecord> List<V> read(Topic<V> topic, Predicate<V> filter, Predicate<List<V>> until, Duration timeout) {
    var stack = Pipeline.stack();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new AvroSerdes(stack.registryUrl()).<V>valueSerde(topic).deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<V> found = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() != null && filter.test(record.value())) {
              found.add(record.value());
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
}
