package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.EnrichedTurn;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A turn delivered again to llm-service (as after a crash, a rebalance, or a replay of the log) is
 * not answered twice: its earlier reply goes out again under the same id, so whoever waits for it
 * gets it and everyone who had it recognises it.
 */
class RedeliveryIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shouldNotAnswerRedeliveredTurnTwice() throws Exception {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "e2e-user", Duration.ofHours(1)));
    String conversation = "redeliver-" + UUID.randomUUID();
    var first = client.chat("{\"message\":\"What are your opening hours?\",\"conversationId\":\"" + conversation + "\"}");
    String messageId = first.body().get("messageId").asString();
    EnrichedTurn turn = TopicReader.read(Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(messageId),
        found -> !found.isEmpty(), WAIT).get(0);

    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (var producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerdes(stack.registryUrl()).<EnrichedTurn>valueSerde(Topics.ENRICHED_TURNS).serializer())) {
      producer.send(new ProducerRecord<>(Topics.ENRICHED_TURNS.name(), Keys.of(SampleData.TENANT, conversation), turn)).get();
    }
    // A later turn of the same conversation is answered after the redelivered one (same key, in order).
    var sentinel = client.chat("{\"message\":\"Thanks!\",\"conversationId\":\"" + conversation + "\"}");
    String sentinelReply = sentinel.body().get("replyId").asString();

    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(r -> r.getEventId().equals(sentinelReply)), WAIT);
    List<AssistantReply> forTurn = replies.stream().filter(r -> r.getTurnId().equals(turn.getEventId())).toList();
    assertThat(forTurn).extracting(AssistantReply::getEventId).as("one answer, sent again under its id").containsOnly(
        first.body().get("replyId").asString());
    assertThat(forTurn).extracting(AssistantReply::getText).containsOnly(first.body().get("reply").asString());
    var staff = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-1", Duration.ofHours(1)));
    assertThat(staff.poll("/ai/conversations/" + conversation, v -> v.get("replyCount").asInt() >= 2).get("replyCount").asInt())
        .as("the conversation counts it once").isEqualTo(2);
  }
}
