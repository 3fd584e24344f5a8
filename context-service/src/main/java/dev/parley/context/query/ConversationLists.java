package dev.parley.context.query;

import dev.parley.context.conversation.ConversationIndex;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A tenant's conversations as lists and counts, read from the {@link ConversationIndex} of each
 * partition, never by reading all of the tenant's conversations: a list walks one index range
 * newest first and stops once it has what the page needs, reading only the conversations it
 * walks past; a count is read from the index's counts.
 *
 * <p>A total is exact when the counts give it (the range alone decides the filter), or when the
 * walk came to the end of the range or to {@code updatedSince}, counting past the page; otherwise
 * it is the number found so far, a lower bound. A walk looks at no more than {@code maxWalked}
 * entries per partition: a filter the index cannot narrow (customer, language, temperature) over
 * a large tenant answers what it found among the newest, with a lower-bound total, rather than
 * reading every conversation.
 */
final class ConversationLists {

  /** At most this many index entries per partition per list: a few milliseconds of reads. */
  static final int MAX_WALKED = 2_000;

  /** Newest first; the conversation id orders those changed in the same millisecond, as the index does. */
  static final Comparator<ConversationView> NEWEST_FIRST =
      Comparator.comparing(ConversationView::updatedAt).reversed().thenComparing(ConversationView::conversationId);

  /**
   * Part of a list: the first matches, newest first.
   *
   * @param total      how many match: exact when {@code totalExact}, otherwise at least this many
   */
  record Part(List<ConversationView> items, int total, boolean totalExact) {

    /** Parts of one list (partitions, instances) as one: the first {@code wanted} of all, totals added. */
    static Part merge(List<Part> parts, int wanted) {
      List<ConversationView> items = new ArrayList<>();
      int total = 0;
      boolean exact = true;
      for (Part part : parts) {
        items.addAll(part.items());
        total += part.total();
        exact &= part.totalExact();
      }
      items.sort(NEWEST_FIRST);
      return new Part(List.copyOf(items.subList(0, Math.min(wanted, items.size()))), total, exact);
    }
  }

  private ConversationLists() {
  }

  /**
   * The first {@code wanted} conversations of the tenant that match, newest first, over the given
   * partitions.
   *
   * @param temperature the lead temperature of a conversation's customer (null before any profile)
   */
  static Part list(List<ConversationPartition> partitions, Function<ConversationState, String> temperature,
      String tenantId, ConversationFilter filter, int wanted, int maxWalked) {
    return Part.merge(partitions.stream()
        .map(partition -> walk(partition, temperature, tenantId, filter, wanted, maxWalked)).toList(), wanted);
  }

  private static Part walk(ConversationPartition partition, Function<ConversationState, String> temperature,
      String tenantId, ConversationFilter filter, int wanted, int maxWalked) {
    String range = filter.range(tenantId);
    boolean keysDecide = filter.decidedByRange();
    Instant since = filter.updatedSince();
    List<ConversationView> items = new ArrayList<>();
    int matched = 0;
    boolean ended = false;
    try (KeyValueIterator<String, String> entries = partition.index().prefixScan(range, new StringSerializer())) {
      for (int walked = 0; walked < maxWalked; walked++) {
        if (!entries.hasNext()) {
          ended = true;
          break;
        }
        KeyValue<String, String> entry = entries.next();
        if (since != null && ConversationIndex.updatedAt(range, entry.key).isBefore(since)) {
          ended = true; // older ones follow: none of them is wanted
          break;
        }
        if (keysDecide && items.size() == wanted) {
          if (since == null) {
            break; // the counts give the total
          }
          matched++; // counted from its key alone, down to updatedSince
          continue;
        }
        ConversationState state = partition.conversations().get(entry.value);
        if (state == null || !filter.matches(state)) {
          continue;
        }
        // The customer's profile is read when the filter or the page needs it, not to count.
        String leadTemperature = filter.temperature() != null || items.size() < wanted ? temperature.apply(state) : null;
        if (filter.matchesTemperature(leadTemperature)) {
          matched++; // past the page too: the total is exact if the walk comes to the end
          if (items.size() < wanted) {
            items.add(ConversationView.of(state, false, leadTemperature));
          }
        }
      }
    }
    if (keysDecide && since == null) {
      return new Part(items, (int) count(partition, range), true);
    }
    return new Part(items, matched, ended);
  }

  /** How many conversations of each status the tenant has over the given partitions, from the counts. */
  static Map<String, Long> countByStatus(List<ConversationPartition> partitions, String tenantId) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (ConversationStatus status : ConversationStatus.values()) {
      String range = ConversationIndex.byStatus(tenantId, status.name());
      counts.put(status.name(), partitions.stream().mapToLong(partition -> count(partition, range)).sum());
    }
    return counts;
  }

  private static long count(ConversationPartition partition, String range) {
    Long count = partition.counts().get(range);
    return count == null ? 0 : count;
  }
}
