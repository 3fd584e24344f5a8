package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.devstack.Stack;
import dev.parley.events.ConversationEventType;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One message is one trace: the W3C trace context a client sends with its chat travels in the
 * headers of every record the message causes, through ingress, context-service, llm-service and
 * delivery-service.
 */
class TraceAcrossKafkaIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Stack stack;

  @BeforeAll
  static void startPipeline() {
    stack = Pipeline.stack();
  }

  @Test
  void shouldCarryTheClientsTraceIdOnEveryTopicTheMessagePasses() {
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String conversationId = "traced-" + UUID.randomUUID();
    Client customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(1)));

    var answer = customer.chat("{\"message\":\"How much sales tax will I pay in Texas with a trade-in?\",\"customerId\":\"c-1001\","
        + "\"dealId\":\"d-2001\",\"conversationId\":\"" + conversationId + "\"}",
        "traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01");

    assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
    String messageId = answer.body().get("messageId").asString();
    String replyId = answer.body().get("replyId").asString();
    assertTrace(traceId, Topics.INBOUND_MESSAGES, m -> m.getMessageId().equals(messageId));
    assertTrace(traceId, Topics.TURNS, t -> t.getMessageIds().contains(messageId));
    assertTrace(traceId, Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(messageId));
    assertTrace(traceId, Topics.CONVERSATION_EVENTS, e -> e.getConversationId().equals(conversationId)
        && e.getType() == ConversationEventType.STARTED);
    assertTrace(traceId, Topics.TOOL_CALLS, c -> c.getReplyId().equals(replyId));
    assertTrace(traceId, Topics.REPLY_CHUNKS, c -> c.getReplyId().equals(replyId));
    assertTrace(traceId, Topics.REPLIES, r -> r.getEventId().equals(replyId));
    assertTrace(traceId, Topics.DELIVERY_RECEIPTS, r -> r.getReplyId().equals(replyId));
  }

  private static <V extends SpecificRecord> void assertTrace(String traceId, Topic<V> topic, Predicate<V> ours) {
    List<ConsumerRecord<String, V>> records = TopicReader.readRecords(topic, ours, found -> !found.isEmpty(), WAIT);
    assertThat(records).as(topic.name()).isNotEmpty();
    for (ConsumerRecord<String, V> record : records) {
      Header traceparent = record.headers().lastHeader("traceparent");
      assertThat(traceparent).as(topic.name() + ": a traceparent header").isNotNull();
      assertThat(new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1]).as(topic.name()).isEqualTo(traceId);
    }
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
