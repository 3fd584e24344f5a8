package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.ConversationMessage;
import dev.parley.events.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state keeps the last messages, each cut to a bounded length without splitting a character. */
class RecentMessagesTest {

  @Test
  void shouldKeepOnlyTheLastMessages() {
    RecentMessages recent = new RecentMessages(3);
    List<ConversationMessage> kept = List.of();
    for (int i = 0; i < 5; i++) {
      kept = recent.append(kept, message("m-" + i, "hello " + i));
    }

    assertThat(kept).extracting(ConversationMessage::getEventId).containsExactly("m-2", "m-3", "m-4");
  }

  @Test
  void shouldCutALongMessageWithoutSplittingASurrogatePair() {
    String text = "a".repeat(RecentMessages.KEPT_CHARACTERS - 1) + "😀" + "tail";

    String kept = new RecentMessages(3).append(List.of(), message("m-1", text)).get(0).getText();

    assertThat(kept).isEqualTo("a".repeat(RecentMessages.KEPT_CHARACTERS - 1) + " […]");
  }

  @Test
  void shouldBoundAnyListItRemembers() {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      list = RecentMessages.appendBounded(list, i, 10);
    }

    assertThat(list).hasSize(10).startsWith(2).endsWith(11);
  }

  private static ConversationMessage message(String id, String text) {
    return new ConversationMessage(id, Role.USER, text, Instant.EPOCH);
  }
}
