package dev.parley.context.query;

import dev.parley.events.ConversationState;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition's conversation store with its index and counts, as a query reads them. Read per
 * partition because only within one is the index in order: a store spanning an instance's
 * partitions yields one partition's keys after another's.
 */
record ConversationPartition(ReadOnlyKeyValueStore<String, ConversationState> conversations,
    ReadOnlyKeyValueStore<String, String> index, ReadOnlyKeyValueStore<String, Long> counts) {
}
