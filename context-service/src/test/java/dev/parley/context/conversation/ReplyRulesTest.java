package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationStatus;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.Role;
import dev.parley.events.TokenUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reply folded into its conversation once, however often it is delivered. */
class ReplyRulesTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final ReplyRules rules = new ReplyRules(new RecentMessages(20));

  @Test
  void shouldRecordTheAssistantsMessageOnceAndCountIt() {
    var folded = rules.onReply(CommandRulesTest.state(ConversationStatus.ACTIVE), reply("r-1"), NOW).state();

    assertThat(folded.getReplyCount()).isEqualTo(1);
    assertThat(folded.getRecentMessages()).singleElement().satisfies(message -> {
      assertThat(message.getRole()).isEqualTo(Role.ASSISTANT);
      assertThat(message.getEventId()).isEqualTo("r-1");
    });
    assertThat(rules.onReply(folded, reply("r-1"), NOW)).as("delivered again: nothing changes").isNull();
  }

  @Test
  void shouldHaveNothingToFoldAReplyIntoWithoutItsConversation() {
    assertThat(rules.onReply(null, reply("r-1"), NOW)).isNull();
  }

  private static AssistantReply reply(String id) {
    return AssistantReply.newBuilder().setEventId(id).setTenantId("acme-motors").setConversationId("c-1").setTurnId("t-1")
        .setMessageIds(List.of()).setChannel(ChannelInfo.newBuilder().setType(ChannelType.WEB).build()).setText("Hello")
        .setIntent(new Intent("other", 1.0)).setModel(new ModelInfo("m", "offline", true)).setAuthor(ReplyAuthor.ASSISTANT)
        .setUsage(new TokenUsage(0, 0, false, 0.0)).setProcessingTimeMs(5).setCreatedAt(NOW).build();
  }
}
