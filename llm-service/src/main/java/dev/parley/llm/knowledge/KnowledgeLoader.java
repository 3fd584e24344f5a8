package dev.parley.llm.knowledge;

import dev.parley.reference.KnowledgeDocument;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@link KnowledgeIndex} in step with the compacted knowledge-documents topic: reads it
 * whole at start (before turns are answered: this lifecycle starts first) and follows it after.
 */
@Component
class KnowledgeLoader implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KnowledgeLoader.class);

  private final KafkaProperties properties;
  private final AvroSerdes serdes;
  private final KnowledgeIndex index;
  private volatile Consumer<String, SpecificRecord> consumer;
  private volatile Thread thread;
  private volatile boolean running;

  KnowledgeLoader(KafkaProperties properties, AvroSerdes serdes, KnowledgeIndex index) {
    this.properties = properties;
    this.serdes = serdes;
    this.index = index;
  }

  @Override
  public void start() {
    Map<String, Object> config = properties.buildConsumerProperties();
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
        serdes.<SpecificRecord>anyRecordSerde().deserializer(), false).createConsumer();
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.KNOWLEDGE_DOCUMENTS.name()).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
      pollOnce();
    }
    log.info("knowledge index loaded");
    running = true;
    thread = new Thread(this::follow, "knowledge-loader");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      while (running) {
        pollOnce();
      }
    } catch (WakeupException stopping) {
      // stop() woke us
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void pollOnce() {
    try {
      for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(500))) {
        if (record.value() instanceof KnowledgeDocument document) {
          index.put(document);
        } else if (record.value() == null && record.key() != null) {
          String key = record.key();
          index.remove(Keys.tenantOf(key), key.substring(key.indexOf(':') + 1));
        }
      }
    } catch (RecordDeserializationException e) {
      log.warn("skipping undecodable knowledge document at {} offset {}", e.topicPartition(), e.offset());
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
  }

  @Override
  public void stop() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the listener containers (phase Integer.MAX_VALUE - 100), so no turn meets an empty index. */
  @Override
  public int getPhase() {
    return 0;
  }
}
