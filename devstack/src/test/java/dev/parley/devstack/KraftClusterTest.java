package dev.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** About a minute on two cores: runs with the full fault suite ({@code -Dparley.faults=full}), which uses the cluster. */
@EnabledIfSystemProperty(named = "parley.faults", matches = "full")
class KraftClusterTest {

  @Test
  void shouldKeepAcceptingAndKeepEveryRecordWhenOneNodeOfThreeIsKilledAndRestarted() throws Exception {
    try (KraftCluster cluster = new KraftCluster(3, Path.of("target", "kraft-cluster-test"))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("restarts", 2, cluster.replicationFactor()))).all().get();
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
        send(producer, "before", 50);
        cluster.kill(1);
        send(producer, "during", 50);
        cluster.restart(1);
        send(producer, "after", 50);
      }
      assertThat(readAll(cluster)).hasSize(150).doesNotHaveDuplicates();
    }
  }

  private static void send(KafkaProducer<String, String> producer, String phase, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>("restarts", phase + i, phase + "-" + i)).get();
    }
  }

  private static List<String> readAll(KraftCluster cluster) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition("restarts", 0), new TopicPartition("restarts", 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 150 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
      }
      return values;
    }
  }
}
