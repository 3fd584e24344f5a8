package dev.parley.llm.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed when records finish out of order: per partition, everything
 * below the oldest record still in flight. A crash then redelivers only records that were not
 * finished (and the reply id, derived from the turn id, recognises any that were).
 * Used by the consumer thread only.
 */
final class OffsetTracker {

  private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
  private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  void started(TopicPartition partition, long offset) {
    pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    nextToRead.merge(partition, offset + 1, Math::max);
  }

  void finished(TopicPartition partition, long offset) {
    TreeSet<Long> offsets = pending.get(partition);
    if (offsets != null) {
      offsets.remove(offset);
    }
  }

  /** Offsets to commit that moved since the last call. */
  Map<TopicPartition, OffsetAndMetadata> toCommit() {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    nextToRead.forEach((partition, next) -> {
      TreeSet<Long> offsets = pending.get(partition);
      long safe = offsets == null || offsets.isEmpty() ? next : offsets.first();
      if (!Long.valueOf(safe).equals(committed.get(partition))) {
        commits.put(partition, new OffsetAndMetadata(safe));
        committed.put(partition, safe);
      }
    });
    return commits;
  }

  boolean hasPending(Collection<TopicPartition> partitions) {
    return partitions.stream().anyMatch(p -> pending.containsKey(p) && !pending.get(p).isEmpty());
  }

  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(p -> {
      pending.remove(p);
      nextToRead.remove(p);
      committed.remove(p);
    });
  }
}
