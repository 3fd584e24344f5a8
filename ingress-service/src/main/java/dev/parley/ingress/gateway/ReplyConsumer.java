package dev.parley.ingress.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import dev.parley.events.AssistantReply;
import dev.parley.events.CommandOutcome;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ReplyChunk;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.TopicFollower;
import dev.parley.schemas.Topics;
import dev.parley.schemas.health.Workers;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads reply chunks, replies, conversation events, command verdicts and refusals from every
 * partition, from the moment the instance starts, into {@link ConversationFeeds}.
 *
 * <p>No consumer group: every gateway instance must see every reply, because the client waiting
 * for it may be connected to any instance; assigning partitions directly also avoids a group
 * rebalance at start. Nothing is committed: a restarted gateway has no client waiting for older replies.
 */
@Component
class ReplyConsumer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReplyConsumer.class);

  private final KafkaProperties properties;
  private final AvroSerdes serdes;
  private final ConversationFeeds feeds;
  private final Workers workers;
  private final MeterRegistry meters;
  private volatile TopicFollower follower;

  ReplyConsumer(KafkaProperties properties, AvroSerdes serdes, ConversationFeeds feeds, Workers workers, MeterRegistry meters) {
    this.meters = meters;
    this.properties = properties;
    this.serdes = serdes;
    this.feeds = feeds;
    this.workers = workers;
  }

  @Override
  public void start() {
    follower = TopicFollower.start("reply-consumer", properties.buildConsumerProperties(), serdes,
        List.of(Topics.REPLY_CHUNKS.name(), Topics.REPLIES.name(), Topics.CONVERSATION_ERRORS.name(),
            Topics.COMMAND_OUTCOMES.name(), Topics.CONVERSATION_EVENTS.name()), TopicFollower.StartAt.END,
        // A record the feeds cannot take (a bug) is skipped: holding every other client's reply back would be worse.
        this::dispatch, feeds::releaseOverdue, workers, TopicFollower.OnFailure.SKIP, meters);
  }

  private void dispatch(ConsumerRecord<String, SpecificRecord> record) {
    if (record.value() instanceof ReplyChunk chunk) {
      feeds.onChunk(chunk);
    } else if (record.value() instanceof AssistantReply reply) {
      feeds.onReply(reply);
    } else if (record.value() instanceof ConversationError refusal) {
      feeds.onRefusal(refusal);
    } else if (record.value() instanceof CommandOutcome outcome) {
      feeds.onOutcome(outcome);
    } else if (record.value() instanceof ConversationEvent event) {
      feeds.onConversationEvent(event);
    } else if (record.value() != null) {
      log.warn("ignoring a {} at {}-{} offset {}", record.value().getClass().getSimpleName(),
          record.topic(), record.partition(), record.offset());
    }
  }

  /**
   * Before the web server: once it takes a chat, the reply must not be missed. Started later, a
   * reply written before the follower fixed "the end" was never read (a client of a just-started
   * instance waited for good).
   */
  @Override
  public int getPhase() {
    return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
  }

  @Override
  public void stop() {
    if (follower != null) {
      follower.close();
      follower = null;
    }
  }

  @Override
  public boolean isRunning() {
    return follower != null;
  }
}
