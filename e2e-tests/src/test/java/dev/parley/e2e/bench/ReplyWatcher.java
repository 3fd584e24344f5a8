package dev.parley.e2e.bench;

import dev.parley.events.AssistantReply;
import dev.parley.events.ReplyStatus;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the replies topic as a consumer downstream would see it (read_committed) and matches
 * each reply to the message it answers: the latency is from the moment the message was due to be
 * sent (open loop: a late send counts against the pipeline) to the moment its reply is readable.
 */
final class ReplyWatcher implements AutoCloseable {

  /** Messages sent and not yet answered: message id → when it was due, epoch ms. */
  private final Map<String, Long> waiting = new ConcurrentHashMap<>();
  /** Answered messages → the id of their reply (a fallback and a late answer share it: one reply). */
  private final Map<String, String> answered = new ConcurrentHashMap<>();
  /** Messages whose order within their conversation is checked → that conversation and their place in it. */
  private final Map<String, Place> places = new ConcurrentHashMap<>();
  /** Per conversation, the place of the last message answered. */
  private final Map<String, Integer> lastPlace = new ConcurrentHashMap<>();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final AtomicLong doubled = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong lastReplyMillis = new AtomicLong();
  private volatile Latencies latencies = new Latencies();
  private final KafkaConsumer<String, AssistantReply> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  ReplyWatcher(String bootstrapServers, String registryUrl) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new AvroSerdes(registryUrl).valueSerde(AssistantReply.class).deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.REPLIES.name()).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now: replies from here on count
    thread = new Thread(this::watch, "bench-replies");
    thread.setDaemon(true);
    thread.start();
  }

  /** Called before a message is sent, with the moment it was due. */
  void expect(String messageId, long dueMillis) {
    waiting.put(messageId, dueMillis);
  }

  /** A message's place in its conversation: its reply must come after those of the places before it. */
  private record Place(String conversation, int index) {
  }

  /** As {@link #expect(String, long)}, checking that the message is answered after its conversation's earlier ones. */
  void expect(String messageId, long dueMillis, String conversation, int place) {
    places.put(messageId, new Place(conversation, place));
    expect(messageId, dueMillis);
  }

  /** Replies that came before the reply of an earlier message of their conversation. */
  long outOfOrder() {
    return outOfOrder.get();
  }

  /** Forgets a message ingress did not accept: no reply is owed. */
  void forget(String messageId) {
    waiting.remove(messageId);
  }

  int waiting() {
    return waiting.size();
  }

  long lastReplyMillis() {
    return lastReplyMillis.get();
  }

  /** Starts a new measurement: fresh latencies and counts; messages of the last one are no longer counted. */
  Latencies restart() {
    waiting.clear();
    latencies = new Latencies();
    doubled.set(0);
    fallbacks.set(0);
    outOfOrder.set(0);
    places.clear();
    lastPlace.clear();
    return latencies;
  }

  long doubled() {
    return doubled.get();
  }

  long fallbacks() {
    return fallbacks.get();
  }

  /** Waits until every expected message is answered, or until no reply came for {@code quiet}. */
  boolean awaitAnswered(Duration quiet, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long started = System.currentTimeMillis();
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      if (System.currentTimeMillis() - Math.max(lastReplyMillis.get(), started) > quiet.toMillis()) {
        break;
      }
      Thread.sleep(50);
    }
    return waiting.isEmpty();
  }

  private void watch() {
    while (running) {
      try {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          AssistantReply reply = record.value();
          if (reply == null) {
            continue;
          }
          for (CharSequence id : reply.getMessageIds()) {
            String messageId = id.toString();
            Long due = waiting.remove(messageId);
            if (due != null) {
              answered.put(messageId, reply.getEventId());
              latencies.record(now - due);
              lastReplyMillis.set(now);
              Place place = places.remove(messageId);
              if (place != null && lastPlace.merge(place.conversation(), place.index(), Math::max) != place.index()) {
                outOfOrder.incrementAndGet();
              }
              if (reply.getStatus() == ReplyStatus.FALLBACK) {
                fallbacks.incrementAndGet();
              }
            } else if (answered.containsKey(messageId) && !answered.get(messageId).equals(reply.getEventId())) {
              doubled.incrementAndGet();
            }
          }
        }
      } catch (RecordDeserializationException e) {
        consumer.seek(e.topicPartition(), e.offset() + 1);
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5000);
    consumer.close();
  }
}
