package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.DeadLetter;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.ReplyStatus;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An accepted message always gets an answer: when answering fails after acceptance the customer
 * gets the polite fallback within 35 s, and the turn lands as a dead letter with the reason and the
 * original payload, which an admin re-drives once the cause is fixed.
 */
class NeverSilenceIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration PROMISE = Duration.ofSeconds(35);

  @Test
  void shouldAnswerWithFallbackAndDeadLetterTheTurnWhenLlmServicesDatabaseBreaksMidTurnThenAnswerItOnRedrive() throws Exception {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1003", Duration.ofHours(1)));
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(SampleData.TENANT, "admin-1", Duration.ofHours(1)));
    String conversation = "silence-" + UUID.randomUUID();
    assertThat(customer.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}").status()).isEqualTo(200);

    Client.Response fallback;
    long tookMs;
    try (Connection db = owner()) {
      takeAwayLlmDatabase(db);
      try {
        long started = System.nanoTime();
        fallback = customer.chat("{\"message\":\"What APR can I get with a 720 credit score?\",\"conversationId\":\""
            + conversation + "\"}");
        tookMs = (System.nanoTime() - started) / 1_000_000;
      } finally {
        giveBackLlmDatabase(db);
      }
    }

    assertThat(fallback.status()).as(fallback.raw()).isEqualTo(200);
    assertThat(fallback.body().get("status").asString()).isEqualTo("FALLBACK");
    assertThat(fallback.body().get("reply").asString()).contains("get back to you");
    assertThat(tookMs).as("the customer heard back within the promise").isLessThan(PROMISE.toMillis());
    String messageId = fallback.body().get("messageId").asString();
    DeadLetter letter = TopicReader.read(Topics.DEAD_LETTERS, l -> l.getKey() != null && l.getKey().endsWith(conversation),
        found -> !found.isEmpty(), WAIT).get(0);
    assertThat(letter.getService()).isEqualTo("llm-service");
    assertThat(letter.getReason()).isNotBlank();
    EnrichedTurn turn = decode(letter);
    assertThat(turn.getTurn().getMessageIds()).as("the original turn, re-drivable").containsExactly(messageId);

    // The cause is fixed once llm-service reads its database again (its knowledge search does).
    pollUntil(() -> admin.post("/ai/knowledge-base/search", "{\"query\":\"financing\"}").status() == 200);
    JsonNode listed = admin.poll("/ai/admin/dead-letters", list -> list.toString().contains(conversation));
    String id = null;
    for (JsonNode entry : listed) {
      if (conversation.equals(entry.get("conversationId").asString())) {
        id = entry.get("id").asString();
        assertThat(entry.get("redrivable").asBoolean()).isTrue();
        assertThat(entry.toString()).as("the payload holds the customer's text: never shown").doesNotContain("720 credit score");
      }
    }
    var redriven = admin.post("/ai/admin/dead-letters/" + id + "/redrive", "");
    assertThat(redriven.status()).as(redriven.body()).isEqualTo(200);
    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getMessageIds().contains(messageId),
        found -> found.stream().anyMatch(r -> r.getStatus() == ReplyStatus.ANSWERED), WAIT);
    assertThat(replies).extracting(AssistantReply::getStatus).containsExactlyInAnyOrder(ReplyStatus.FALLBACK, ReplyStatus.ANSWERED);
    assertThat(replies.get(0).getEventId()).as("the re-driven turn is answered anew").isNotEqualTo(replies.get(1).getEventId());
    assertThat(admin.post("/ai/admin/dead-letters/" + id + "/redrive", "").status()).as("once").isEqualTo(409);
  }

  @Test
  void shouldAnswerWithFallbackWhenLlmServiceIsDownAndCountTheLateAnswerForNothing() {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "c-1004", Duration.ofHours(1)));
    String conversation = "outage-" + UUID.randomUUID();
    Client.Response fallback;
    long tookMs;
    stack.stopService("llm-service");
    try {
      long started = System.nanoTime();
      fallback = customer.chat("{\"message\":\"Is the Honda Civic still available?\",\"conversationId\":\"" + conversation + "\"}");
      tookMs = (System.nanoTime() - started) / 1_000_000;
    } finally {
      stack.startService("llm-service");
    }

    assertThat(fallback.status()).as(fallback.raw()).isEqualTo(200);
    assertThat(fallback.body().get("status").asString()).isEqualTo("FALLBACK");
    assertThat(fallback.body().get("model").get("name").asString()).isEqualTo("parley-reply-watchdog");
    assertThat(tookMs).isLessThan(PROMISE.toMillis());
    String messageId = fallback.body().get("messageId").asString();
    assertThat(TopicReader.read(Topics.DEAD_LETTERS, l -> l.getKey() != null && l.getKey().endsWith(conversation),
        found -> !found.isEmpty(), WAIT)).singleElement().satisfies(letter -> {
          assertThat(letter.getService()).isEqualTo("context-service");
          assertThat(decode(letter).getTurn().getMessageIds()).containsExactly(messageId);
        });
    // llm-service, back, answers the turn it missed under the same reply id: the customer's view keeps one answer.
    String replyId = fallback.body().get("replyId").asString();
    TopicReader.read(Topics.REPLIES, r -> r.getEventId().equals(replyId), found -> found.size() >= 2, WAIT);
    JsonNode view = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "agent-1", Duration.ofHours(1)))
        .poll("/ai/conversations/" + conversation, v -> v.get("replyCount").asInt() >= 1);
    assertThat(view.get("replyCount").asInt()).isEqualTo(1);
  }

  private static void pollUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  private static EnrichedTurn decode(DeadLetter letter) {
    byte[] payload = new byte[letter.getPayload().remaining()];
    letter.getPayload().duplicate().get(payload);
    return (EnrichedTurn) new AvroSerdes(Pipeline.stack().registryUrl()).anyRecordSerde().deserializer()
        .deserialize(Topics.ENRICHED_TURNS.name(), payload);
  }

  /** The databases' owner (devstack/postgres/setup.sh): it may lock a service's role out and cut its connections. */
  private static Connection owner() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/parley_test", "parley", "parley");
  }

  private static void takeAwayLlmDatabase(Connection db) throws SQLException {
    try (var statement = db.createStatement()) {
      statement.execute("ALTER ROLE parley_llm NOLOGIN");
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'parley_llm'");
    }
  }

  private static void giveBackLlmDatabase(Connection db) throws SQLException {
    try (var statement = db.createStatement()) {
      statement.execute("ALTER ROLE parley_llm LOGIN");
    }
  }
}
