package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AssistantReply;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Role;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * context-service keeps no state outside Kafka: restarted with its local state deleted, it
 * rebuilds its stores from their changelog topics, so history and de-duplication survive.
 */
class ContextRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void shouldRestoreConversationAndSeenMessageIdsFromChangelogAfterRestartWithoutLocalState() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "e2e-user", Duration.ofHours(1)));
    String conversation = "restart-" + UUID.randomUUID();
    String firstMessage = "m-" + UUID.randomUUID();
    String first = "{\"message\":\"I am looking at the Ford F-150\",\"conversationId\":\"" + conversation
        + "\",\"messageId\":\"" + firstMessage + "\"}";
    assertThat(client.chat(first).status()).isEqualTo(200);

    stack.restart("context-service", true);

    assertThat(client.chat(first, "Prefer", "respond-async").status()).isEqualTo(202); // a client retry
    var second = client.chat("{\"message\":\"What financing do you offer?\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(second.status()).as(second.raw()).isEqualTo(200);

    String secondMessage = second.body().get("messageId").asString();
    EnrichedTurn turn = TopicReader.read(Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(secondMessage),
        found -> !found.isEmpty(), WAIT).get(0);
    assertThat(turn.getHistory()).extracting(m -> m.getRole()).containsExactly(Role.USER, Role.ASSISTANT);
    assertThat(turn.getHistory().get(0).getText()).isEqualTo("I am looking at the Ford F-150");

    String secondReply = second.body().get("replyId").asString();
    List<AssistantReply> replies = TopicReader.read(Topics.REPLIES, r -> r.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(r -> r.getEventId().equals(secondReply)), WAIT);
    assertThat(replies.stream().filter(r -> r.getMessageIds().contains(firstMessage))).as("the retried message got no second reply").hasSize(1);
  }
}
