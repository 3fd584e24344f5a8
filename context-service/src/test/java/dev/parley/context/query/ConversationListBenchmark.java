package dev.parley.context.query;

import dev.parley.context.conversation.ConversationDriver;
import dev.parley.context.conversation.ConversationStores;
import dev.parley.context.conversation.ConversationTopology;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.CustomerProfile;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * What the conversation queries cost at 100,000 conversations of one tenant (plus about 3,000 of
 * two others) in RocksDB stores: the list's first page, ESCALATED, one customer's own, the
 * escalation count, a customer search (a filter the index cannot narrow) and a single
 * conversation, each answered from the index (after) and by reading every conversation of the
 * tenant, then sorting (before: how the list was answered until the index). Prints the median of
 * each and the ratio; compare ratios of one run (these machines are shared).
 *
 * <p>The conversations are copies, with their own ids, users, statuses and times, of a state the
 * topology made (ConversationDriver); they are written straight into the stores and indexed the
 * way a task indexes state from before the index, because the test driver commits and flushes
 * every store after each record (hours for 100,000). ConversationIndexTest shows that index equals
 * the one the processor keeps record by record.
 *
 * <pre>mvn -pl context-service test -Dtest=ConversationListBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Not part of the test suite (the name matches no Surefire pattern): it asserts nothing.
 */
class ConversationListBenchmark {

  private static final String TENANT = "big-dealer";
  private static final int CONVERSATIONS = 100_000;
  private static final int OWNERS = 20_000;
  private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");

  @Test
  void printCostOfListsAtOneHundredThousandConversations() throws Exception {
    ConversationState template;
    CustomerProfile profileTemplate;
    try (ConversationDriver driver = new ConversationDriver(START)) {
      driver.turn(TENANT, "template", "user-0", "c-0", "hello, is the RAV4 still available? I can put $3,000 down");
      template = driver.<ConversationState>store(ConversationTopology.CONVERSATIONS_STORE).get(Keys.of(TENANT, "template"));
      profileTemplate = driver.<CustomerProfile>store(ConversationTopology.PROFILES_LOOKUP_STORE).get(Keys.of(TENANT, "c-0"));
    }
    // On a tmpfs when there is one: what is measured is reading the stores, not the disk.
    Path stateDir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir")),
        "ctx-bench-");
    try (ConversationStores stores = new ConversationStores(stateDir)) {
      KeyValueStore<String, CustomerProfile> profiles = stores.rocksDb(ConversationTopology.PROFILES_LOOKUP_STORE,
          new RegistryFreeSerdes().valueSerde(CustomerProfile.class));
      load(stores.conversations, profiles, template, profileTemplate);
      long indexing = System.nanoTime();
      stores.buildIndex();
      System.out.printf("%nindexed %,d conversations of %s and %,d of other tenants in %.1f s (as a task does at start)%n",
          CONVERSATIONS, TENANT, CONVERSATIONS / 33 + 1, (System.nanoTime() - indexing) / 1e9);

      KeyValueStore<String, ConversationState> conversations = stores.conversations;
      Function<ConversationState, String> temperature = state -> {
        CustomerProfile profile = profiles.get(Keys.of(state.getTenantId(),
            state.getCustomerId() != null ? state.getCustomerId() : "user-" + state.getUserId()));
        return profile == null ? null : profile.getLeadTemperature();
      };
      List<ConversationPartition> partitions = List.of(new ConversationPartition(conversations, stores.index, stores.counts));
      Before before = new Before(conversations, temperature);

      ConversationFilter all = filter(null, null, null);
      ConversationFilter escalated = filter("ESCALATED", null, null);
      ConversationFilter owner = filter(null, "user-4242", null);
      ConversationFilter search = filter(null, null, "nobody-by-this-name");
      String one = Keys.of(TENANT, "conv-" + CONVERSATIONS / 2);

      System.out.printf("%-36s %12s %12s %9s%n", "query (median of runs)", "before ms", "after ms", "ratio");
      compare("list, first page of 20", () -> before.page(all, 20),
          () -> ConversationLists.list(partitions, temperature, TENANT, all, 20, ConversationLists.MAX_WALKED));
      compare("list ESCALATED, first page of 20", () -> before.page(escalated, 20),
          () -> ConversationLists.list(partitions, temperature, TENANT, escalated, 20, ConversationLists.MAX_WALKED));
      compare("a customer's own list", () -> before.page(owner, 20),
          () -> ConversationLists.list(partitions, temperature, TENANT, owner, 20, ConversationLists.MAX_WALKED));
      compare("escalation count", () -> before.page(escalated, 200).total(),
          () -> ConversationLists.countByStatus(partitions, TENANT).get("ESCALATED"));
      compare("customer search, no match", () -> before.page(search, 20),
          () -> ConversationLists.list(partitions, temperature, TENANT, search, 20, ConversationLists.MAX_WALKED));
      compare("one conversation by key", () -> ConversationView.of(conversations.get(one), true, temperature.apply(conversations.get(one))),
          () -> ConversationView.of(conversations.get(one), true, temperature.apply(conversations.get(one))));
      System.out.printf("(ESCALATED %s of %s; the search walked %,d conversations and says its total is a lower bound)%n",
          ConversationLists.countByStatus(partitions, TENANT).get("ESCALATED"),
          ConversationLists.list(partitions, temperature, TENANT, all, 1, ConversationLists.MAX_WALKED).total(),
          ConversationLists.MAX_WALKED);
    } finally {
      try (var files = Files.walk(stateDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The tenant's conversations 10 ms apart, 2% escalated, 1% closed, each with its customer's profile; other tenants' in between. */
  private static void load(KeyValueStore<String, ConversationState> conversations, KeyValueStore<String, CustomerProfile> profiles,
      ConversationState template, CustomerProfile profileTemplate) {
    for (int i = 0; i < CONVERSATIONS; i++) {
      ConversationStatus status = i % 50 == 7 ? ConversationStatus.ESCALATED : i % 100 == 3 ? ConversationStatus.CLOSED
          : ConversationStatus.ACTIVE;
      put(conversations, template, TENANT, "conv-" + i, "user-" + i % OWNERS, "c-" + i, status, START.plusMillis(10L * i));
      profiles.put(Keys.of(TENANT, "c-" + i), CustomerProfile.newBuilder(profileTemplate).setCustomerKey("c-" + i).build());
      if (i % 33 == 0) {
        put(conversations, template, "dealer-" + i % 2, "conv-" + i, "user-" + i, null, ConversationStatus.ACTIVE,
            START.plusMillis(10L * i + 5));
      }
    }
  }

  private static void put(KeyValueStore<String, ConversationState> conversations, ConversationState template, String tenantId,
      String conversationId, String userId, String customerId, ConversationStatus status, Instant updatedAt) {
    conversations.put(Keys.of(tenantId, conversationId), ConversationState.newBuilder(template).setTenantId(tenantId)
        .setConversationId(conversationId).setUserId(userId).setCustomerId(customerId).setStatus(status)
        .setUpdatedAt(updatedAt).build());
  }

  private static void compare(String query, Supplier<?> before, Supplier<?> after) {
    double beforeMs = medianMs(before, 2, 7);
    double afterMs = medianMs(after, 50, 301);
    System.out.printf("%-36s %12.3f %12.3f %8.0fx%n", query, beforeMs, afterMs, beforeMs / afterMs);
  }

  private static double medianMs(Supplier<?> query, int warmUps, int runs) {
    for (int i = 0; i < warmUps; i++) {
      query.get();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long started = System.nanoTime();
      query.get();
      ms[i] = (System.nanoTime() - started) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  private static ConversationFilter filter(String status, String owner, String customer) {
    return new ConversationFilter(status, customer, null, null, null, owner);
  }

  /** The list as it was answered before the index: a prefix scan over all of the tenant's conversations, then a sort. */
  private record Before(KeyValueStore<String, ConversationState> conversations, Function<ConversationState, String> temperature) {

    ConversationLists.Part page(ConversationFilter filter, int limit) {
      List<ConversationView> found = new ArrayList<>();
      try (KeyValueIterator<String, ConversationState> all = conversations.prefixScan(Keys.of(TENANT, ""), new StringSerializer())) {
        all.forEachRemaining(entry -> {
          if (filter.matches(entry.value)) {
            String leadTemperature = temperature.apply(entry.value);
            if (filter.matchesTemperature(leadTemperature)) {
              found.add(ConversationView.of(entry.value, false, leadTemperature));
            }
          }
        });
      }
      found.sort(ConversationLists.NEWEST_FIRST);
      return new ConversationLists.Part(found.subList(0, Math.min(limit, found.size())), found.size(), true);
    }
  }
}
