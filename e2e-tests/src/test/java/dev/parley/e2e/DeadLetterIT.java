package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.DeadLetter;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A record a service cannot read becomes a dead letter with the reason, and the partition goes on. */
class DeadLetterIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shouldDeadLetterUndecodableInboundMessageAndKeepAnsweringTheConversation() {
    var stack = Pipeline.stack();
    String conversation = "dl-" + UUID.randomUUID();
    String key = Keys.of(SampleData.TENANT, conversation);
    byte[] garbage = "this is not Avro".getBytes(StandardCharsets.UTF_8);
    send(Topics.INBOUND_MESSAGES, key, garbage);

    List<DeadLetter> letters = TopicReader.read(Topics.DEAD_LETTERS, letter -> key.equals(letter.getKey()),
        found -> !found.isEmpty(), WAIT);

    assertThat(letters).singleElement().satisfies(letter -> {
      assertThat(letter.getService()).isEqualTo("context-service");
      assertThat(letter.getSourceTopic()).isEqualTo(Topics.INBOUND_MESSAGES.name());
      assertThat(letter.getReason()).isNotBlank();
      assertThat(letter.getPayload().array()).isEqualTo(garbage);
    });
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "e2e-user", Duration.ofHours(1)));
    var reply = client.chat("{\"message\":\"When is the showroom open?\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void shouldDeadLetterUndecodableEnrichedTurnInLlmService() {
    String key = Keys.of(SampleData.TENANT, "dl-" + UUID.randomUUID());
    send(Topics.ENRICHED_TURNS, key, new byte[] {0, 1, 2, 3});

    List<DeadLetter> letters = TopicReader.read(Topics.DEAD_LETTERS, letter -> key.equals(letter.getKey()),
        found -> !found.isEmpty(), WAIT);

    assertThat(letters).singleElement().satisfies(letter -> {
      assertThat(letter.getService()).isEqualTo("llm-service");
      assertThat(letter.getSourceTopic()).isEqualTo(Topics.ENRICHED_TURNS.name());
      assertThat(letter.getPayload().array()).containsExactly(0, 1, 2, 3);
    });
  }

  private static void send(Topic<?> topic, String key, byte[] value) {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.stack().bootstrapServers());
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
