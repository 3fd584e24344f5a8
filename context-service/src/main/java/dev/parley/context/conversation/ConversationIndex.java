package dev.parley.context.conversation;

import dev.parley.events.ConversationState;
import dev.parley.schemas.Keys;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Secondary indexes over the conversation store, so a list walks only the conversations it shows:
 * a tenant's conversations newest first, those of one status newest first, and those one user
 * started newest first. Each is a range of keys in the {@value #STORE} store,
 * {@code range + inverted updatedAt + ":" + conversationId} → the conversation's key, so a prefix
 * scan of the range yields the newest first. {@value #COUNTS_STORE} holds how many entries each
 * range has, so a total need not be counted by walking.
 *
 * <p>Both stores are written by {@link ConversationProcessor} with the state itself, in the same
 * task and transaction (exactly-once), and are changelogged: they always agree with the state,
 * also after a restore.
 */
public final class ConversationIndex {

  public static final String STORE = "conversation-index";
  public static final String COUNTS_STORE = "conversation-counts";

  /** In the counts store of a task whose index is complete; no tenant key starts with '#'. */
  static final String BUILT = "#built";

  /** Digits of an inverted epoch-milli timestamp: the width of Long.MAX_VALUE, so text order is time order. */
  private static final int TIME_DIGITS = 19;

  private final KeyValueStore<String, String> index;
  private final KeyValueStore<String, Long> counts;

  ConversationIndex(KeyValueStore<String, String> index, KeyValueStore<String, Long> counts) {
    this.index = index;
    this.counts = counts;
  }

  /** Every conversation of the tenant. */
  public static String recent(String tenantId) {
    return Keys.of(tenantId, "recent:");
  }

  /** The tenant's conversations of one status (ACTIVE, ESCALATED, CLOSED). */
  public static String byStatus(String tenantId, String status) {
    return Keys.of(tenantId, "status:" + status + ":");
  }

  /**
   * The conversations one user started. The user id is preceded by its length, so no user's range
   * is the start of another's ("ann" and "ann:x" would otherwise share a prefix).
   */
  public static String byOwner(String tenantId, String userId) {
    return Keys.of(tenantId, "owner:" + userId.length() + ":" + userId + ":");
  }

  /** When the conversation of an entry in {@code range} last changed, read from the key alone. */
  public static Instant updatedAt(String range, String entry) {
    return Instant.ofEpochMilli(Long.MAX_VALUE - Long.parseLong(entry, range.length(), range.length() + TIME_DIGITS, 10));
  }

  /** The key of the entry that places a conversation in {@code range}. */
  static String entry(String range, ConversationState state) {
    long inverted = Long.MAX_VALUE - Math.max(0, state.getUpdatedAt().toEpochMilli());
    return range + String.format("%0" + TIME_DIGITS + "d", inverted) + ":" + state.getConversationId();
  }

  private static List<String> ranges(ConversationState state) {
    return List.of(recent(state.getTenantId()), byStatus(state.getTenantId(), state.getStatus().name()),
        byOwner(state.getTenantId(), state.getUserId()));
  }

  /** Moves the conversation's entries from where {@code before} put them to where {@code after} belongs. */
  void update(ConversationState before, ConversationState after) {
    Set<String> oldRanges = before == null ? Set.of() : new LinkedHashSet<>(ranges(before));
    Set<String> newRanges = after == null ? Set.of() : new LinkedHashSet<>(ranges(after));
    for (String range : oldRanges) {
      index.delete(entry(range, before));
      if (!newRanges.contains(range)) {
        add(range, -1);
      }
    }
    for (String range : newRanges) {
      index.put(entry(range, after), Keys.of(after.getTenantId(), after.getConversationId()));
      if (!oldRanges.contains(range)) {
        add(range, 1);
      }
    }
  }

  private void add(String range, long delta) {
    Long count = counts.get(range);
    long next = (count == null ? 0 : count) + delta;
    if (next > 0) {
      counts.put(range, next);
    } else {
      counts.delete(range);
    }
  }

  /**
   * Indexes the task's conversations once, when its index is not built yet: state restored from a
   * changelog written before the index existed. Runs in {@code init}, after the task's stores are
   * restored and before it processes a record or reports RUNNING, so no query sees a half-built
   * index as a short list.
   *
   * @return whether it built the index (its writes then await a commit)
   */
  boolean buildIfMissing(KeyValueStore<String, ConversationState> conversations) {
    if (counts.get(BUILT) != null) {
      return false;
    }
    Map<String, Long> built = new HashMap<>();
    try (KeyValueIterator<String, ConversationState> all = conversations.all()) {
      while (all.hasNext()) {
        KeyValue<String, ConversationState> next = all.next();
        for (String range : ranges(next.value)) {
          index.put(entry(range, next.value), next.key);
          built.merge(range, 1L, Long::sum);
        }
      }
    }
    built.forEach(counts::put);
    counts.put(BUILT, 1L);
    return true;
  }
}
