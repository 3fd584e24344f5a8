package dev.parley.context.conversation;

import dev.parley.context.DeadLetterOnDeserializationError;
import dev.parley.events.AssistantReply;
import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.Metrics;
import dev.parley.events.DeadLetter;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.InboundMessage;
import dev.parley.events.ModelInfo;
import dev.parley.events.UserTurn;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.FallbackReplies;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing fails (a bug, a value no rule expected) does not stop its partition,
 * and is not dropped either: it becomes a dead letter with the reason and the record's original
 * bytes, re-drivable, and when it was a customer's message or turn the customer gets the polite
 * fallback reply at once — all in the same transaction as the rest of the work. (The thread
 * itself failing is {@code StreamThreadReplacement}'s.)
 */
public class DeadLetterOnProcessingError implements ProcessingExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterOnProcessingError.class);
  static final ModelInfo FAILED_PROCESSING = new ModelInfo("parley-context-fallback", "parley", true);

  /** Streams property: false for an application that must not answer customers (analytics). */
  public static final String ANSWER_CUSTOMERS = "parley.answer-customers";

  private Serializer<DeadLetter> deadLetters;
  private Serializer<AssistantReply> replies;
  private boolean answerCustomers = true;
  /** Kafka Streams makes this handler, not Spring: its counts go to the global registry, which Spring Boot's joins. */
  private final AiMeters meters;

  /** As Kafka Streams makes it: {@link #configure} follows. */
  public DeadLetterOnProcessingError() {
    this.meters = new AiMeters(Metrics.globalRegistry);
  }

  /** With serializers and meters of one's own (tests). */
  DeadLetterOnProcessingError(Serializer<DeadLetter> deadLetters, Serializer<AssistantReply> replies, AiMeters meters) {
    this.deadLetters = deadLetters;
    this.replies = replies;
    this.meters = meters;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    AvroSerdes serdes = new AvroSerdes((String) configs.get(DeadLetterOnDeserializationError.REGISTRY_URL));
    deadLetters = serdes.valueSerde(Topics.DEAD_LETTERS).serializer();
    replies = serdes.valueSerde(Topics.REPLIES).serializer();
    answerCustomers = !"false".equals(String.valueOf(configs.get(ANSWER_CUSTOMERS)));
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (context.topic() != null) {
      log.error("could not process a record of {}-{} at offset {} in {}: {}", context.topic(), context.partition(), context.offset(),
          context.processorNodeId(), exception.toString());
    } else {
      log.error("a punctuation of {} in task {} failed: {}", context.processorNodeId(), context.taskId(), exception.toString());
    }
    meters.error(AiMeters.ErrorType.PROCESSING);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    byte[] rawKey = context.sourceRawKey();
    DeadLetter letter;
    if (context.topic() != null) {
      letter = DeadLetters.of("context-service", context.topic(), context.partition(), context.offset(), rawKey,
          context.sourceRawValue(), exception);
    } else {
      // Failed in a punctuation (the reply watchdog's): no record was read, so the letter names the
      // processor, and the record's timestamp stands in for an offset so that two letters differ.
      rawKey = record.key() == null ? null : record.key().toString().getBytes(StandardCharsets.UTF_8);
      letter = DeadLetters.of("context-service", "punctuation:" + context.processorNodeId(), context.taskId().partition(),
          record.timestamp(), rawKey, null, exception);
    }
    out.add(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), rawKey, deadLetters.serialize(Topics.DEAD_LETTERS.name(), letter)));
    AssistantReply fallback = answerCustomers ? fallbackFor(record.value()) : null;
    if (fallback != null) {
      meters.fallback(AiMeters.FallbackReason.PROCESSING_FAILED);
      byte[] key = Keys.of(fallback.getTenantId(), fallback.getConversationId()).getBytes(StandardCharsets.UTF_8);
      out.add(new ProducerRecord<>(Topics.REPLIES.name(), key, replies.serialize(Topics.REPLIES.name(), fallback)));
    }
    return Response.resume(out);
  }

  /** The customer's answer when what failed was their message or turn; null for anything else. */
  static AssistantReply fallbackFor(Object value) {
    Instant now = Instant.now();
    if (value instanceof InboundMessage message) {
      String turnId = Keys.derivedId("turn", message.getTenantId(), message.getMessageId()); // as TurnAssembler names it
      return FallbackReplies.reply(message.getTenantId(), message.getConversationId(), turnId, List.of(message.getMessageId()),
          message.getChannel(), null, Keys.replyId(turnId, null), FAILED_PROCESSING, message.getReceivedAt(), now);
    }
    UserTurn turn = value instanceof UserTurn plain ? plain
        : value instanceof ConversationInput.Turn input ? input.turn()
        : value instanceof EnrichedTurn enriched ? enriched.getTurn() : null;
    if (turn != null) {
      return FallbackReplies.reply(turn.getTenantId(), turn.getConversationId(), turn.getEventId(), turn.getMessageIds(),
          turn.getChannel(), null, Keys.replyId(turn.getEventId(), null), FAILED_PROCESSING, turn.getFirstReceivedAt(), now);
    }
    return null;
  }
}
