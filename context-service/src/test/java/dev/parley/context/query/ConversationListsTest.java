package dev.parley.context.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.context.conversation.ConversationDriver;
import dev.parley.context.conversation.ConversationIndex;
import dev.parley.context.conversation.ConversationTopology;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.Escalate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConversationListsTest {

  private static final String TENANT = "acme-motors";
  private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
  private final ConversationDriver driver = new ConversationDriver(START);
  /** How many conversations a list read: what it walked past. */
  private final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldMoveConversationToTheTopWhenItGetsANewMessage() {
    startConversations(3, 1);

    List<String> before = ids(list(filter(null, null), 0, 20));
    turn("conv-0", "user-0", "and the financing?");

    assertThat(before).containsExactly("conv-2", "conv-1", "conv-0");
    assertThat(ids(list(filter(null, null), 0, 20))).containsExactly("conv-0", "conv-2", "conv-1");
  }

  @Test
  void shouldMoveConversationBetweenStatusesWhenEscalatedHandedBackAndClosed() {
    startConversations(4, 2);

    command("conv-1", new Escalate("ESC-1", "asked for a person", "normal", "sales", "sales"));
    command("conv-2", new Escalate("ESC-2", "asked for a person", "normal", "sales", "sales"));
    List<String> escalated = ids(list(filter("ESCALATED", null), 0, 20));
    long escalatedCount = counts().get("ESCALATED");
    command("conv-2", new ChangeStatus(ConversationStatus.ACTIVE));
    command("conv-1", new ChangeStatus(ConversationStatus.CLOSED));

    assertThat(escalated).containsExactly("conv-2", "conv-1");
    assertThat(escalatedCount).isEqualTo(2);
    assertThat(ids(list(filter("ESCALATED", null), 0, 20))).isEmpty();
    assertThat(ids(list(filter("CLOSED", null), 0, 20))).containsExactly("conv-1");
    assertThat(ids(list(filter("ACTIVE", null), 0, 20))).containsExactly("conv-2", "conv-3", "conv-0");
    assertThat(counts()).isEqualTo(countedFromEveryState());
  }

  @Test
  void shouldAnswerEveryFilterAndPageAsReadingEveryConversationWould() {
    startConversations(12, 3);
    turn("conv-4", "user-1", "hola, quiero comprar un coche");
    command("conv-5", new Escalate("ESC-5", "asked for a person", "normal", "sales", "sales"));
    command("conv-7", new ChangeStatus(ConversationStatus.CLOSED));
    Instant since = START.plusSeconds(6);

    for (ConversationFilter filter : List.of(filter(null, null), filter("ACTIVE", null), filter("escalated", null),
        filter(null, "user-1"), filter("ACTIVE", "user-2"), new ConversationFilter(null, "c-1", null, null, null, null),
        new ConversationFilter(null, null, "es", null, null, null), new ConversationFilter(null, null, null, null, since, null),
        new ConversationFilter("ACTIVE", null, null, null, since, "user-0"))) {
      List<String> expected = ids(everyStateThatMatches(filter));
      for (int offset : new int[] {0, 2, 5}) {
        ConversationQueryController.Page page = ConversationQueryController.Page.of(list(filter, offset, 3), offset, 3);
        assertThat(ids(page.items())).as(filter + " offset " + offset)
            .isEqualTo(expected.subList(Math.min(offset, expected.size()), Math.min(offset + 3, expected.size())));
        assertThat(page.total()).as(filter + " total").isLessThanOrEqualTo(expected.size());
        assertThat(page.hasMore()).as(filter + " more").isEqualTo(!page.totalExact() || offset + 3 < expected.size());
        if (page.totalExact()) {
          assertThat(page.total()).as(filter + " exact total").isEqualTo(expected.size());
        }
      }
    }
  }

  @Test
  void shouldCountTotalsExactlyWhenTheIndexDecidesOrTheWalkReachesTheEnd() {
    startConversations(10, 2);

    ConversationLists.Part all = list(filter(null, null), 0, 3);
    ConversationLists.Part owners = list(filter(null, "user-1"), 0, 3);
    ConversationLists.Part recent = list(new ConversationFilter(null, null, null, null, START.plusSeconds(5), null), 0, 3);
    ConversationLists.Part rare = list(new ConversationFilter(null, "nobody", null, null, null, null), 0, 3);
    ConversationLists.Part common = list(new ConversationFilter(null, "c-", null, null, null, null), 0, 3);

    assertThat(all.total()).isEqualTo(10);
    assertThat(all.totalExact()).isTrue();
    assertThat(owners.total()).isEqualTo(5);
    assertThat(owners.totalExact()).isTrue();
    assertThat(recent.total()).as("counted from the keys down to updatedSince").isEqualTo(6);
    assertThat(recent.totalExact()).isTrue();
    assertThat(rare.total()).isZero();
    assertThat(rare.totalExact()).as("walked to the end").isTrue();
    assertThat(common.items()).hasSize(3);
    assertThat(common.total()).as("counted past the page").isEqualTo(10);
    assertThat(common.totalExact()).isTrue();
  }

  @Test
  void shouldReadOnlyTheOwnersConversationsForTheirList() {
    startConversations(30, 10);

    List<ConversationView> own = list(filter(null, "user-3"), 0, 20).items();

    assertThat(ids(own)).isEqualTo(ids(everyStateThatMatches(filter(null, "user-3"))));
    assertThat(reads.get()).as("conversations read").isEqualTo(own.size());
  }

  @Test
  void shouldWalkNoFurtherThanAllowedAndCallTheTotalALowerBound() {
    startConversations(30, 3);

    ConversationLists.Part part = ConversationLists.list(List.of(partition()), state -> null, TENANT,
        new ConversationFilter(null, "c-", null, null, null, null), 5, 12);

    assertThat(part.items()).hasSize(5);
    assertThat(reads.get()).as("conversations read").isEqualTo(12);
    assertThat(part.total()).isEqualTo(12);
    assertThat(part.totalExact()).isFalse();
  }

  @Test
  void shouldStopAtUpdatedSinceWithoutReadingOlderConversations() {
    startConversations(30, 3);
    Instant since = START.plusSeconds(26);

    List<ConversationView> found = list(new ConversationFilter(null, null, "en", null, since, null), 0, 20).items();

    assertThat(found).extracting(ConversationView::updatedAt).allMatch(at -> !at.isBefore(since)).hasSize(5);
    assertThat(reads.get()).as("conversations read").isEqualTo(5);
  }

  /** {@code count} conversations a second apart, of {@code users} users in turn, customers c-0, c-1, ... */
  private void startConversations(int count, int users) {
    for (int i = 0; i < count; i++) {
      driver.advance(Duration.ofSeconds(1));
      driver.turn(TENANT, "conv-" + i, "user-" + (i % users), "c-" + i, "hello, is the RAV4 still available?");
    }
  }

  private void turn(String conversation, String user, String text) {
    driver.advance(Duration.ofSeconds(1));
    driver.turn(TENANT, conversation, user, null, text);
  }

  private void command(String conversation, Object change) {
    driver.advance(Duration.ofSeconds(1));
    driver.command(TENANT, conversation, change);
  }

  private static ConversationFilter filter(String status, String owner) {
    return new ConversationFilter(status, null, null, null, null, owner);
  }

  private ConversationLists.Part list(ConversationFilter filter, int offset, int limit) {
    return ConversationLists.list(List.of(partition()), state -> null, TENANT, filter, offset + limit, ConversationLists.MAX_WALKED);
  }

  private java.util.Map<String, Long> counts() {
    return ConversationLists.countByStatus(List.of(partition()), TENANT);
  }

  private java.util.Map<String, Long> countedFromEveryState() {
    java.util.Map<String, Long> counted = new java.util.LinkedHashMap<>();
    for (ConversationStatus status : ConversationStatus.values()) {
      counted.put(status.name(), (long) everyStateThatMatches(filter(status.name(), null)).size());
    }
    return counted;
  }

  /** The list as it was answered before the index: every conversation of the store read, filtered and sorted. */
  private List<ConversationView> everyStateThatMatches(ConversationFilter filter) {
    List<ConversationView> found = new ArrayList<>();
    try (KeyValueIterator<String, ConversationState> all = driver.<ConversationState>store(ConversationTopology.CONVERSATIONS_STORE).all()) {
      all.forEachRemaining(entry -> {
        if (filter.matches(entry.value) && filter.matchesTemperature(null)) {
          found.add(ConversationView.of(entry.value, false, null));
        }
      });
    }
    found.sort(ConversationLists.NEWEST_FIRST);
    return found;
  }

  private ConversationPartition partition() {
    return new ConversationPartition(new CountingReads(driver.store(ConversationTopology.CONVERSATIONS_STORE)),
        driver.store(ConversationIndex.STORE), driver.store(ConversationIndex.COUNTS_STORE));
  }

  private static List<String> ids(ConversationLists.Part part) {
    return ids(part.items());
  }

  private static List<String> ids(List<ConversationView> views) {
    return views.stream().map(ConversationView::conversationId).toList();
  }

  /** The conversation store, counting the conversations read from it. */
  private final class CountingReads implements ReadOnlyKeyValueStore<String, ConversationState> {
    private final KeyValueStore<String, ConversationState> store;

    CountingReads(KeyValueStore<String, ConversationState> store) {
      this.store = store;
    }

    @Override
    public ConversationState get(String key) {
      reads.incrementAndGet();
      return store.get(key);
    }

    @Override
    public KeyValueIterator<String, ConversationState> range(String from, String to) {
      throw new UnsupportedOperationException("a list reads conversations by key only");
    }

    @Override
    public KeyValueIterator<String, ConversationState> all() {
      throw new UnsupportedOperationException("a list reads conversations by key only");
    }

    @Override
    public long approximateNumEntries() {
      return store.approximateNumEntries();
    }
  }
}
