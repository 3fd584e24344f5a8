package dev.parley.llm.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A change a tool asks for is keyed by the answer it belongs to: a retry asks for the same change. */
class ConversationToolsTest {

  @Test
  void shouldKeyAChangeByTheReplyTheToolAndItsArgumentsSoARetryRepeatsNothing() {
    var first = new ConversationTools(null, "acme-motors", "c-1", "reply-1");
    var retried = new ConversationTools(null, "acme-motors", "c-1", "reply-1");
    var nextAnswer = new ConversationTools(null, "acme-motors", "c-1", "reply-2");

    String key = first.idempotencyKey("escalateToHuman", "wants a person", "billing");

    assertThat(retried.idempotencyKey("escalateToHuman", "wants a person", "billing")).isEqualTo(key);
    assertThat(nextAnswer.idempotencyKey("escalateToHuman", "wants a person", "billing")).isNotEqualTo(key);
    assertThat(first.idempotencyKey("escalateToHuman", "another reason", "billing")).isNotEqualTo(key);
    assertThat(first.idempotencyKey("advanceSalesStage", "QUALIFYING")).isNotEqualTo(key);
  }
}
