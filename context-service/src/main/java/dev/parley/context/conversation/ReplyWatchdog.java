package dev.parley.context.conversation;

import dev.parley.events.EnrichedTurn;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Makes sure every turn handed to llm-service is answered. It watches each enriched turn until a
 * reply to it comes back; a turn still unanswered {@code deadline} after it was formed (llm-service
 * down, stuck, or the turn lost) is forwarded, and the topology answers the customer with the polite
 * fallback under the turn's own reply id (so a late answer from the model counts for nothing) and
 * dead-letters the turn with its payload, for an admin to re-drive.
 *
 * <p>Checked on wall-clock time, so a quiet partition still answers on time. The watched turns are a
 * changelogged store: a restart keeps watching.
 */
final class ReplyWatchdog implements Processor<String, ReplyWatchdog.Watch, String, EnrichedTurn> {

  /** What the watchdog is told: a turn went out to be answered, or a reply to a turn came back. */
  sealed interface Watch permits Start, Stop {
  }

  record Start(EnrichedTurn turn) implements Watch {
  }

  record Stop(String turnId) implements Watch {
  }

  private final Duration deadline;
  private final Duration tick;
  private ProcessorContext<String, EnrichedTurn> context;
  private KeyValueStore<String, EnrichedTurn> awaiting;
  private Cancellable punctuator;
  /** Turns this task started watching: orders the watches of turns formed in the same millisecond. */
  private long started;
  /**
   * The watched turns in the order their deadlines fall (formed time, then watch order) → their key
   * in the store. Kept in memory beside the store and rebuilt from it when the task starts, so a
   * tick looks only at the turns that are due: scanning (and decoding) every watched turn on every
   * tick cost a busy context-service a tenth of its CPU with a few thousand turns out.
   */
  private final NavigableMap<String, String> byDeadline = new TreeMap<>();

  ReplyWatchdog(Duration deadline, Duration tick) {
    this.deadline = deadline;
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<String, EnrichedTurn> context) {
    this.context = context;
    this.awaiting = context.getStateStore(ConversationTopology.AWAITING_REPLIES_STORE);
    try (KeyValueIterator<String, EnrichedTurn> all = awaiting.all()) {
      all.forEachRemaining(entry -> byDeadline.put(deadlineKey(entry.key), entry.key));
    }
    this.punctuator = context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::answerOverdue);
  }

  @Override
  public void process(Record<String, Watch> record) {
    if (record.value() instanceof Start start) {
      String key = watchKey(record.key(), start.turn());
      awaiting.put(key, start.turn());
      byDeadline.put(deadlineKey(key), key);
    } else if (record.value() instanceof Stop stop) {
      // A conversation has a turn or two out at once: find the reply's among them.
      try (KeyValueIterator<String, EnrichedTurn> watched = awaiting.prefixScan(record.key() + "|", new StringSerializer())) {
        watched.forEachRemaining(entry -> {
          if (entry.key.endsWith("|" + stop.turnId())) {
            awaiting.delete(entry.key);
            byDeadline.remove(deadlineKey(entry.key));
          }
        });
      }
    }
  }

  /** Turns formed more than the deadline ago and still unanswered go out to be answered with the fallback, oldest first. */
  private void answerOverdue(long now) {
    for (Iterator<Map.Entry<String, String>> due = byDeadline.entrySet().iterator(); due.hasNext(); ) {
      Map.Entry<String, String> next = due.next();
      if (formedMillis(next.getKey()) + deadline.toMillis() > now) {
        return; // the rest fall due later
      }
      due.remove();
      EnrichedTurn turn = awaiting.get(next.getValue());
      if (turn != null) {
        awaiting.delete(next.getValue());
        context.forward(new Record<>(conversationKey(next.getValue()), turn, now));
      }
    }
  }

  /**
   * One conversation may have several turns out at once: the watch is per turn, keyed in the order
   * the turns were formed (their time, then the order this task saw them), so turns overdue together
   * get their fallbacks in order and the customer reads the answers in the order they asked.
   */
  private String watchKey(String conversationKey, EnrichedTurn turn) {
    return conversationKey + "|" + String.format("%019d|%019d", turn.getCreatedAt().toEpochMilli(), ++started) + "|" + turn.getEventId();
  }

  private static String conversationKey(String watchKey) {
    return watchKey.substring(0, watchKey.indexOf('|'));
  }

  /** A watch key ({@code conversation|formed|order|turn}) reordered to sort by deadline: {@code formed|order|turn|conversation}. */
  private static String deadlineKey(String watchKey) {
    int split = watchKey.indexOf('|');
    return watchKey.substring(split + 1) + "|" + watchKey.substring(0, split);
  }

  private static long formedMillis(String deadlineKey) {
    return Long.parseLong(deadlineKey.substring(0, deadlineKey.indexOf('|')));
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
  }
}
