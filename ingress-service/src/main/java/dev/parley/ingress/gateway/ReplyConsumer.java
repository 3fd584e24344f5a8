package dev.parley.ingress.gateway;

import dev.parley.events.AssistantReply;
import dev.parley.events.ReplyChunk;
import dev.parley.schemas.AvroSerdes;
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
 * Reads reply chunks and replies from every partition, from the moment the instance starts, and
 * hands them to {@link ConversationFeeds}.
 *
 * <p>No consumer group: every gateway instance must see every reply, because the client waiting
 * for it may be connected to any instance; and assigning partitions directly avoids the group
 * rebalance delay at start. The replies read are also committed nowhere: a restarted gateway has
 * no clients waiting for older replies.
 */
@Component
class ReplyConsumer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReplyConsumer.class);

  private final KafkaProperties properties;
  private final AvroSerdes serdes;
  private final ConversationFeeds feeds;
  private volatile Consumer<String, SpecificRecord> consumer;
  private volatile Thread thread;
  private volatile boolean running;

  ReplyConsumer(KafkaProperties properties, AvroSerdes serdes, ConversationFeeds feeds) {
    this.properties = properties;
    this.serdes = serdes;
    this.feeds = feeds;
  }

  @Override
  public void start() {
    Map<String, Object> config = properties.buildConsumerProperties();
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
        serdes.<SpecificRecord>anyRecordSerde().deserializer(), false).createConsumer();
    List<TopicPartition> partitions = List.of(Topics.REPLY_CHUNKS.name(), Topics.REPLIES.name()).stream()
        .flatMap(topic -> consumer.partitionsFor(topic).stream())
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve "end" now, before any request can publish
    running = true;
    thread = new Thread(this::poll, "reply-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
            dispatch(record.value());
          }
          feeds.releaseOverdue();
        } catch (RecordDeserializationException e) {
          // The record stays on its topic for the services that own it; the gateway skips it.
          log.warn("skipping undecodable record at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException stopping) {
      // stop() woke us
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void dispatch(SpecificRecord event) {
    if (event instanceof ReplyChunk chunk) {
      feeds.onChunk(chunk);
    } else if (event instanceof AssistantReply reply) {
      feeds.onReply(reply);
    } else if (event != null) {
      log.warn("ignoring unexpected record type {} on the reply topics", event.getClass().getName());
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
}
