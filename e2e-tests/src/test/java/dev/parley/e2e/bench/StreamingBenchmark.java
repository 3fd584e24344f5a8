package dev.parley.e2e.bench;

import dev.parley.events.ReplyChunk;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chunk latency from the model to a customer's WebSocket: customers chat over {@code /ai/ws} and
 * each {@code reply_chunk} frame's arrival is set against the moment llm-service published that
 * chunk (its record's timestamp on {@code parley.reply-chunks}, read here). Measured with the
 * pipeline otherwise quiet, a conversation at a time every 200 ms.
 */
final class StreamingBenchmark {

  /** What was measured. */
  record Result(int replies, long chunks, long p50Millis, long p99Millis) {
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Frames received by type, for the report when chunks are missing. */
  static final Map<String, Integer> FRAMES = new ConcurrentHashMap<>();

  private StreamingBenchmark() {
  }

  static Result run(URI ingress, List<String> tokens, String bootstrapServers, String registryUrl, int conversations) throws Exception {
    Map<String, Long> published = new ConcurrentHashMap<>();
    Map<String, Long> received = new ConcurrentHashMap<>();
    try (KafkaConsumer<String, ReplyChunk> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new AvroSerdes(registryUrl).valueSerde(ReplyChunk.class).deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.REPLY_CHUNKS.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);

      HttpClient client = HttpClient.create();
      Flux.range(0, conversations)
          .delayElements(Duration.ofMillis(200))
          .flatMap(i -> chat(client, ingress, tokens.get(i % tokens.size()), i, received))
          .blockLast(Duration.ofSeconds(90));

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!published.keySet().containsAll(received.keySet()) && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            published.put(record.value().getEventId(), record.timestamp());
          }
        }
      }
    }
    Latencies latencies = new Latencies();
    received.forEach((id, at) -> {
      Long sent = published.get(id);
      if (sent != null) {
        latencies.record(at - sent);
      }
    });
    return new Result(conversations, latencies.count(), latencies.percentile(50), latencies.percentile(99));
  }

  /** One customer's question over a WebSocket, until the answer is complete; notes when each chunk arrived. */
  private static Mono<Void> chat(HttpClient client, URI ingress, String token, int i, Map<String, Long> received) {
    String url = "ws://" + ingress.getHost() + ":" + ingress.getPort() + "/ai/ws?access_token=" + token;
    String question = "{\"type\":\"chat_message\",\"message\":\"What APR can I get with a 720 credit score? (" + i + ")\"}";
    return client.websocket().uri(url).handle((in, out) -> out.sendString(Mono.just(question)).then()
            .thenMany(in.receive().asString()
                .map(frame -> {
                  long now = System.currentTimeMillis();
                  JsonNode message = JSON.readTree(frame);
                  if ("reply_chunk".equals(message.path("type").asString(""))) {
                    received.put(message.path("eventId").asString(""), now);
                  }
                  return message.path("type").asString("");
                })
                .doOnNext(type -> FRAMES.merge(type, 1, Integer::sum))
                .takeUntil(type -> type.equals("assistant_response") || type.equals("error"))))
        .take(Duration.ofSeconds(60)) // an answer that never comes ends the wait, not the run
        .onErrorResume(e -> {
          FRAMES.merge("failed: " + e.getClass().getSimpleName(), 1, Integer::sum);
          return Mono.empty();
        })
        .then();
  }
}
