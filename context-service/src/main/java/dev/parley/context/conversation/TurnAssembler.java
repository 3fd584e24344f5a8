package dev.parley.context.conversation;

import dev.parley.events.InboundMessage;
import dev.parley.events.UserTurn;
import dev.parley.schemas.Keys;
import dev.parley.state.PendingTurn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Turns inbound messages into user turns.
 *
 * <ul>
 *   <li>De-duplication: a message id already seen for the tenant within the window (client
 *       retries, provider redeliveries) is dropped. The seen-ids store is changelogged, so this
 *       holds across restarts.</li>
 *   <li>Debounce: on channels with a gap, a burst of messages becomes one turn (texts joined in
 *       arrival order, every message id kept). Each message extends the wait by the gap, up to
 *       {@link DebounceGaps#maxWait()} after the first, and a burst that reaches
 *       {@value #MAX_BURST_MESSAGES} messages or {@value #MAX_BURST_CHARACTERS} characters becomes a
 *       turn at once.</li>
 * </ul>
 *
 * <p>Bursts are released by a wall-clock punctuator, not by stream time: a quiet partition never
 * holds a customer's message back. The turn id derives from the first message id, so a turn
 * re-formed after a crash has the same id.
 */
final class TurnAssembler implements Processor<String, InboundMessage, String, UserTurn> {

  /**
   * A burst becomes a turn at once when it holds this many messages or characters: a flood (a
   * provider's burst of thousands) yields turns of a bounded size, never one larger than a record
   * may be or a model may read.
   */
  static final int MAX_BURST_MESSAGES = 50;
  static final int MAX_BURST_CHARACTERS = 16_000;

  private final Duration dedupWindow;
  private final DebounceGaps gaps;
  private final Duration tick;
  private ProcessorContext<String, UserTurn> context;
  private WindowStore<String, Long> seen;
  private KeyValueStore<String, PendingTurn> pending;
  private Cancellable punctuator;

  TurnAssembler(Duration dedupWindow, DebounceGaps gaps, Duration tick) {
    this.dedupWindow = dedupWindow;
    this.gaps = gaps;
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<String, UserTurn> context) {
    this.context = context;
    this.seen = context.getStateStore(ConversationTopology.SEEN_MESSAGES_STORE);
    this.pending = context.getStateStore(ConversationTopology.PENDING_TURNS_STORE);
    this.punctuator = context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::releaseDue);
  }

  @Override
  public void process(Record<String, InboundMessage> record) {
    InboundMessage message = record.value();
    if (message == null || isDuplicate(message, record.timestamp())) {
      return;
    }
    long now = context.currentSystemTimeMs();
    Duration gap = gaps.gap(message.getTenantId(), message.getChannel().getType());
    PendingTurn burst = pending.get(record.key());
    if (burst == null) {
      burst = PendingTurn.newBuilder()
          .setTenantId(message.getTenantId())
          .setConversationId(message.getConversationId())
          .setUserId(message.getUserId())
          .setMessageIds(List.of())
          .setTexts(List.of())
          .setChannel(message.getChannel())
          .setFirstReceivedAt(message.getReceivedAt())
          .setReleaseAt(Instant.ofEpochMilli(now))
          .setReleaseBy(Instant.ofEpochMilli(now + gaps.maxWait().toMillis()))
          .setTraceParent(TraceHeaders.traceParent(record.headers()))
          .build();
    }
    burst = PendingTurn.newBuilder(burst)
        .setMessageIds(append(burst.getMessageIds(), message.getMessageId()))
        .setTexts(append(burst.getTexts(), message.getText()))
        .setDealId(message.getDealId() != null ? message.getDealId() : burst.getDealId())
        .setCustomerId(message.getCustomerId() != null ? message.getCustomerId() : burst.getCustomerId())
        .setReleaseAt(Instant.ofEpochMilli(Math.min(now + gap.toMillis(), burst.getReleaseBy().toEpochMilli())))
        .build();
    if (gap.isZero() || !burst.getReleaseAt().isAfter(Instant.ofEpochMilli(now)) || isFull(burst)) {
      release(record.key(), burst, now);
    } else {
      pending.put(record.key(), burst);
    }
  }

  private static boolean isFull(PendingTurn burst) {
    return burst.getMessageIds().size() >= MAX_BURST_MESSAGES
        || burst.getTexts().stream().mapToInt(String::length).sum() >= MAX_BURST_CHARACTERS;
  }

  private boolean isDuplicate(InboundMessage message, long timestamp) {
    String seenKey = Keys.of(message.getTenantId(), message.getMessageId());
    try (WindowStoreIterator<Long> earlier = seen.fetch(seenKey, timestamp - dedupWindow.toMillis(), timestamp)) {
      if (earlier.hasNext()) {
        return true;
      }
    }
    seen.put(seenKey, timestamp, timestamp);
    return false;
  }

  /** Wall-clock punctuation: every burst whose time has come becomes a turn. */
  private void releaseDue(long now) {
    List<KeyValue<String, PendingTurn>> due = new ArrayList<>();
    try (KeyValueIterator<String, PendingTurn> all = pending.all()) {
      all.forEachRemaining(entry -> {
        if (!entry.value.getReleaseAt().isAfter(Instant.ofEpochMilli(now))) {
          due.add(entry);
        }
      });
    }
    due.forEach(entry -> release(entry.key, entry.value, now));
  }

  private void release(String key, PendingTurn burst, long now) {
    pending.delete(key);
    UserTurn turn = UserTurn.newBuilder()
        .setEventId(Keys.derivedId("turn", burst.getTenantId(), burst.getMessageIds().get(0)))
        .setTenantId(burst.getTenantId())
        .setConversationId(burst.getConversationId())
        .setMessageIds(burst.getMessageIds())
        .setUserId(burst.getUserId())
        .setText(String.join("\n", burst.getTexts()))
        .setChannel(burst.getChannel())
        .setDealId(burst.getDealId())
        .setCustomerId(burst.getCustomerId())
        .setFirstReceivedAt(burst.getFirstReceivedAt())
        .setCreatedAt(Instant.ofEpochMilli(now))
        .build();
    // A turn may be released by the clock, long after its messages: it carries the first one's trace.
    context.forward(new Record<>(key, turn, now, TraceHeaders.of(burst.getTraceParent())));
  }

  private static List<String> append(List<String> list, String item) {
    List<String> next = new ArrayList<>(list);
    next.add(item);
    return next;
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
  }
}
