package dev.parley.ingress.gateway;

import dev.parley.events.AssistantReply;
import dev.parley.events.ReplyChunk;
import dev.parley.schemas.Keys;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The gateway's in-memory fan-out: one feed of reply chunks and replies per conversation, fed by
 * {@link ReplyConsumer} and read by waiting HTTP requests and SSE streams.
 *
 * <p>A feed replays what it saw in the last {@code parley.gateway.replay} so that a client that
 * connects just after its 202 (or reconnects) still gets the whole reply. Idle feeds with no
 * subscriber are swept away.
 */
@Component
public class ConversationFeeds {

  private final Duration replay;
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

  public ConversationFeeds(@Value("${parley.gateway.replay:PT2M}") Duration replay) {
    this.replay = replay;
  }

  private final class Feed {
    final Sinks.Many<SpecificRecord> sink = Sinks.many().replay().limit(replay);
    volatile long lastUsed = System.currentTimeMillis();
  }

  /** Hands a reply chunk or a reply to whoever follows its conversation. */
  void publish(String tenantId, String conversationId, SpecificRecord event) {
    Feed feed = feed(tenantId, conversationId);
    // Only the consumer thread emits; busy-looping on a concurrent emit is not needed.
    feed.sink.emitNext(event, Sinks.EmitFailureHandler.FAIL_FAST);
  }

  /** Chunks and replies of a conversation from now on, plus the recent ones still held. */
  public Flux<SpecificRecord> follow(String tenantId, String conversationId) {
    return Flux.defer(() -> feed(tenantId, conversationId).sink.asFlux());
  }

  /** The reply to one message of a conversation; subscribe before publishing the message. */
  public Mono<AssistantReply> replyTo(String tenantId, String conversationId, String messageId) {
    return follow(tenantId, conversationId)
        .ofType(AssistantReply.class)
        .filter(reply -> reply.getMessageIds().contains(messageId))
        .next();
  }

  /** True when the event belongs to the turn that answers this message. */
  public static boolean answers(SpecificRecord event, String messageId) {
    if (event instanceof ReplyChunk chunk) {
      return chunk.getMessageIds().contains(messageId);
    }
    return event instanceof AssistantReply reply && reply.getMessageIds().contains(messageId);
  }

  private Feed feed(String tenantId, String conversationId) {
    Feed feed = feeds.computeIfAbsent(Keys.of(tenantId, conversationId), key -> new Feed());
    feed.lastUsed = System.currentTimeMillis();
    return feed;
  }

  @Scheduled(fixedDelayString = "${parley.gateway.sweep-interval:PT30S}")
  void sweepIdleFeeds() {
    long idleSince = System.currentTimeMillis() - replay.toMillis();
    feeds.entrySet().removeIf(entry ->
        entry.getValue().lastUsed < idleSince && entry.getValue().sink.currentSubscriberCount() == 0);
  }

  int size() {
    return feeds.size();
  }
}
