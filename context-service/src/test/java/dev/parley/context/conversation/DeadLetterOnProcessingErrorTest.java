package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.DeadLetter;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.UserTurn;
import dev.parley.events.InboundMessage;
import dev.parley.events.ReplyStatus;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topics;
import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** A record whose processing fails: dead-lettered with its bytes, the partition goes on, the customer is answered. */
class DeadLetterOnProcessingErrorTest {

  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DeadLetterOnProcessingError handler = new DeadLetterOnProcessingError(
      serdes.valueSerde(Topics.DEAD_LETTERS).serializer(), serdes.valueSerde(Topics.REPLIES).serializer(), new AiMeters(registry));

  @Test
  void shouldDeadLetterTheOriginalBytesAndAnswerTheCustomersMessageWithTheFallbackAndGoOn() {
    InboundMessage message = InboundMessage.newBuilder().setEventId("e-1").setTenantId("acme-motors").setConversationId("c-1")
        .setMessageId("m-1").setUserId("u-1").setText("hello").setChannel(ChannelInfo.newBuilder().setType(ChannelType.WEB).build())
        .setReceivedAt(Instant.now()).build();
    byte[] raw = "the record as read".getBytes(StandardCharsets.UTF_8);

    var response = handler.handleError(context(raw), new Record<>(Keys.of("acme-motors", "c-1"), message, 0L),
        new IllegalStateException("a rule no one expected"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    var records = response.deadLetterQueueRecords();
    assertThat(records).extracting(r -> r.topic()).containsExactly(Topics.DEAD_LETTERS.name(), Topics.REPLIES.name());
    DeadLetter letter = serdes.valueSerde(Topics.DEAD_LETTERS).deserializer().deserialize(Topics.DEAD_LETTERS.name(), records.get(0).value());
    assertThat(letter.getPayload().array()).isEqualTo(raw);
    assertThat(letter.getReason()).contains("a rule no one expected");
    AssistantReply fallback = serdes.valueSerde(Topics.REPLIES).deserializer().deserialize(Topics.REPLIES.name(), records.get(1).value());
    assertThat(fallback.getStatus()).isEqualTo(ReplyStatus.FALLBACK);
    assertThat(fallback.getMessageIds()).containsExactly("m-1");
    assertThat(fallback.getEventId()).as("the reply id the turn would have had: counted once")
        .isEqualTo(Keys.replyId(Keys.derivedId("turn", "acme-motors", "m-1"), null));
    assertThat(new String(records.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("acme-motors:c-1");
    assertThat(registry.get(AiMeters.ERRORS).tag("error_type", "processing").counter().count()).isEqualTo(1);
    assertThat(registry.get(AiMeters.FALLBACKS).tag("reason", "processing_failed").counter().count()).isEqualTo(1);
  }

  @Test
  void shouldOnlyDeadLetterWhatIsNotACustomersMessage() {
    var response = handler.handleError(context(new byte[] {1}), new Record<>("k", Map.of(), 0L), new IllegalStateException("x"));

    assertThat(response.deadLetterQueueRecords()).extracting(r -> r.topic()).containsExactly(Topics.DEAD_LETTERS.name());
    assertThat(registry.get(AiMeters.ERRORS).tag("error_type", "processing").counter().count()).isEqualTo(1);
    assertThat(registry.get(AiMeters.FALLBACKS).tag("reason", "processing_failed").counter().count())
        .as("no customer's message, no fallback").isZero();
  }

  @Test
  void shouldDeadLetterAFailedPunctuationByItsProcessorAndAnswerTheTurnItWasAbout() {
    UserTurn turn = UserTurn.newBuilder().setEventId("t-9").setTenantId("acme-motors").setConversationId("c-9")
        .setMessageIds(java.util.List.of("m-9")).setUserId("u-9").setText("hello")
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.WEB).build()).setFirstReceivedAt(Instant.now())
        .setCreatedAt(Instant.now()).build();
    EnrichedTurn enriched = EnrichedTurn.newBuilder().setEventId("t-9").setTenantId("acme-motors").setConversationId("c-9")
        .setTurn(turn).setHistory(java.util.List.of()).setIntent(new dev.parley.events.Intent("other", 0.5))
        .setCreatedAt(Instant.now()).build();

    var response = handler.handleError(punctuation(), new Record<>("acme-motors:c-9", enriched, 1234L),
        new IllegalStateException("the registry is away"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    var records = response.deadLetterQueueRecords();
    assertThat(records).extracting(r -> r.topic()).containsExactly(Topics.DEAD_LETTERS.name(), Topics.REPLIES.name());
    DeadLetter letter = serdes.valueSerde(Topics.DEAD_LETTERS).deserializer().deserialize(Topics.DEAD_LETTERS.name(), records.get(0).value());
    assertThat(letter.getSourceTopic()).isEqualTo("punctuation:unanswered-turn");
    assertThat(letter.getSourceOffset()).isEqualTo(1234L);
    assertThat(letter.getKey()).isEqualTo("acme-motors:c-9");
    AssistantReply fallback = serdes.valueSerde(Topics.REPLIES).deserializer().deserialize(Topics.REPLIES.name(), records.get(1).value());
    assertThat(fallback.getMessageIds()).containsExactly("m-9");
  }

  /** As Kafka Streams gives it for an error in a punctuation: no source record. */
  private static ErrorHandlerContext punctuation() {
    return new ErrorHandlerContext() {
      public String topic() { return null; }
      public int partition() { return -1; }
      public long offset() { return -1; }
      public Headers headers() { return new RecordHeaders(); }
      public String processorNodeId() { return "unanswered-turn"; }
      public TaskId taskId() { return new TaskId(0, 3); }
      public long timestamp() { return 1234L; }
      public byte[] sourceRawKey() { return null; }
      public byte[] sourceRawValue() { return null; }
    };
  }

  private static ErrorHandlerContext context(byte[] raw) {
    return new ErrorHandlerContext() {
      public String topic() { return Topics.INBOUND_MESSAGES.name(); }
      public int partition() { return 2; }
      public long offset() { return 42; }
      public Headers headers() { return new RecordHeaders(); }
      public String processorNodeId() { return "form-turns"; }
      public TaskId taskId() { return new TaskId(0, 2); }
      public long timestamp() { return 0; }
      public byte[] sourceRawKey() { return "acme-motors:c-1".getBytes(StandardCharsets.UTF_8); }
      public byte[] sourceRawValue() { return raw; }
    };
  }
}
