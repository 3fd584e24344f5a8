package dev.parley.ingress.gateway;

import dev.parley.events.AssistantReply;
import dev.parley.events.CommandOutcome;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.ReplyChunk;
import dev.parley.schemas.Keys;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
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
  private final Duration maxHold;
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

  public ConversationFeeds(@Value("${parley.gateway.replay:PT2M}") Duration replay,
      @Value("${parley.gateway.max-reply-hold:PT2S}") Duration maxHold) {
    this.replay = replay;
    this.maxHold = maxHold;
  }

  private final class Feed {
    final Sinks.Many<SpecificRecord> sink = Sinks.many().replay().limit(replay);
    volatile long lastUsed = System.currentTimeMillis();
  }

  /** Chunks seen per reply id, and replies waiting for their last chunks. Touched by the consumer thread only. */
  private final Map<String, SeenChunks> chunksSeen = new HashMap<>();
  private final Map<String, HeldReply> held = new HashMap<>();
  /**
   * Replies already handed out, by id, with when: a turn is answered once, so a second reply under
   * the same id (the model's late answer after the watchdog's fallback, a redelivery) and its
   * chunks are not shown again.
   */
  private final Map<String, Long> released = new HashMap<>();
  /** When {@link #releaseOverdue} last forgot old replies. Touched by the consumer thread only. */
  private long lastForgotten;

  private record HeldReply(AssistantReply reply, long since) {
  }

  /** Distinct sequence numbers seen, so a redelivered chunk is not counted twice. */
  private record SeenChunks(Set<Integer> sequences, long since) {
  }

  /** Hands a reply chunk to whoever follows its conversation; releases its reply if it was waiting for it. */
  void onChunk(ReplyChunk chunk) {
    if (released.containsKey(chunk.getReplyId())) {
      return;
    }
    emit(chunk.getTenantId(), chunk.getConversationId(), chunk);
    SeenChunks seen = chunksSeen.computeIfAbsent(chunk.getReplyId(), id -> new SeenChunks(new HashSet<>(), System.currentTimeMillis()));
    seen.sequences().add(chunk.getSequence());
    HeldReply waiting = held.get(chunk.getReplyId());
    if (waiting != null && seen.sequences().size() >= waiting.reply().getChunkCount()) {
      release(waiting.reply());
    }
  }

  /**
   * Hands a reply to whoever follows its conversation, after all its chunks. Chunks and replies
   * travel on different topics, so the reply can be read first; it is held until its last chunk
   * arrives, or for at most {@code maxHold} (a lost chunk must not hold the reply back for good).
   */
  void onReply(AssistantReply reply) {
    if (released.containsKey(reply.getEventId())) {
      return;
    }
    SeenChunks seen = chunksSeen.get(reply.getEventId());
    if ((seen == null ? 0 : seen.sequences().size()) >= reply.getChunkCount()) {
      release(reply);
    } else {
      held.putIfAbsent(reply.getEventId(), new HeldReply(reply, System.currentTimeMillis()));
    }
  }

  /**
   * Releases replies held longer than {@code maxHold}, and forgets chunk counts of replies that
   * never came (the model failed mid-stream); called by the consumer thread after every poll.
   */
  void releaseOverdue() {
    long now = System.currentTimeMillis();
    if (!held.isEmpty()) {
      List.copyOf(held.values()).stream().filter(h -> h.since() < now - maxHold.toMillis()).forEach(h -> release(h.reply()));
    }
    // Forgetting is not urgent: once a second, not after every poll (it walks every reply of the
    // last minutes, thousands when busy).
    if (now - lastForgotten >= 1000) {
      lastForgotten = now;
      chunksSeen.values().removeIf(seen -> seen.since() < now - replay.toMillis());
      released.values().removeIf(at -> at < now - replay.toMillis());
    }
  }


  private void release(AssistantReply reply) {
    held.remove(reply.getEventId());
    chunksSeen.remove(reply.getEventId());
    released.put(reply.getEventId(), System.currentTimeMillis());
    emit(reply.getTenantId(), reply.getConversationId(), reply);
  }

  private void emit(String tenantId, String conversationId, SpecificRecord event) {
    // Only the consumer thread emits, so an emission never races another one.
    feed(tenantId, conversationId).sink.emitNext(event, Sinks.EmitFailureHandler.FAIL_FAST);
  }

  /** Hands a refused turn to whoever waits for its answer (never to followers of the conversation). */
  void onRefusal(ConversationError error) {
    emit(error.getTenantId(), error.getConversationId(), error);
  }

  /** Hands a command's verdict to whoever sent it (never to followers of the conversation). */
  void onOutcome(CommandOutcome outcome) {
    emit(outcome.getTenantId(), outcome.getConversationId(), outcome);
  }

  /** Hands what happened to a conversation (escalated, a message for the agent, ...) to its followers. */
  void onConversationEvent(ConversationEvent event) {
    emit(event.getTenantId(), event.getConversationId(), event);
  }

  /**
   * A conversation's chunks, replies and events (escalated, handed back, a message for the agent,
   * ...) from now on, plus the recent ones still held. Verdicts and refusals go only to whoever
   * waits for them.
   */
  public Flux<SpecificRecord> follow(String tenantId, String conversationId) {
    return everything(tenantId, conversationId)
        .filter(event -> !(event instanceof ConversationError) && !(event instanceof CommandOutcome));
  }

  /** context-service's verdict on a command; subscribe before publishing the command. */
  public Mono<CommandOutcome> outcomeOf(String tenantId, String conversationId, String commandId) {
    return everything(tenantId, conversationId)
        .ofType(CommandOutcome.class)
        .filter(outcome -> outcome.getCommandId().equals(commandId))
        .next();
  }

  private Flux<SpecificRecord> everything(String tenantId, String conversationId) {
    return Flux.defer(() -> feed(tenantId, conversationId).sink.asFlux());
  }

  /**
   * What answers one message of a conversation: the reply; or, while a person has the
   * conversation, the event saying the message is theirs to answer; or the error refusing it.
   * Subscribe before publishing the message.
   */
  public Mono<SpecificRecord> answerTo(String tenantId, String conversationId, String messageId) {
    return everything(tenantId, conversationId)
        .filter(event -> event instanceof AssistantReply reply && reply.getMessageIds().contains(messageId)
            || event instanceof ConversationEvent held && held.getType() == ConversationEventType.MESSAGE_FOR_AGENT
                && held.getMessageIds().contains(messageId)
            || event instanceof ConversationError refused && refused.getMessageIds().contains(messageId))
        .next();
  }

  /** True when the event answers this message: its reply and chunks, or the word that a person will answer it. */
  public static boolean answers(SpecificRecord event, String messageId) {
    if (event instanceof ReplyChunk chunk) {
      return chunk.getMessageIds().contains(messageId);
    }
    if (event instanceof ConversationEvent held) {
      return held.getType() == ConversationEventType.MESSAGE_FOR_AGENT && held.getMessageIds().contains(messageId);
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
}
