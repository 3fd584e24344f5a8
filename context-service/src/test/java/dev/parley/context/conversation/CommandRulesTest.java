package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AgentMessage;
import dev.parley.events.ChangeStage;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.Escalate;
import dev.parley.events.MessageTemplate;
import dev.parley.events.RecordFeedback;
import dev.parley.events.Role;
import dev.parley.events.SalesStage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a command may change in a conversation, and the refusal with its code when it may not. */
class CommandRulesTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final CommandRules rules = new CommandRules(new RecentMessages(20));

  @Test
  void shouldRefuseACommandForAConversationThatDoesNotExist() {
    var update = rules.onCommand(null, command(new ChangeStatus(ConversationStatus.CLOSED)), NOW);

    assertThat(update.state()).isNull();
    assertThat(update.error().getCode()).isEqualTo("UNKNOWN_CONVERSATION");
  }

  @Test
  void shouldChangeNothingForACommandAppliedBefore() {
    var command = command(new ChangeStatus(ConversationStatus.CLOSED));
    ConversationState applied = rules.onCommand(state(ConversationStatus.ACTIVE), command, NOW).state();

    var again = rules.onCommand(applied, command, NOW.plusSeconds(1));

    assertThat(applied.getStatus()).isEqualTo(ConversationStatus.CLOSED);
    assertThat(applied.getAppliedCommands()).containsExactly(command.getEventId());
    assertThat(again.state()).isNull();
    assertThat(again.error()).isNull();
  }

  @Test
  void shouldMoveTheStageOnlyAsTheSaleAllowsNamingTheAllowedOnes() {
    var refused = rules.onCommand(state(ConversationStatus.ACTIVE), command(new ChangeStage(SalesStage.CLOSING)), NOW);
    var moved = rules.onCommand(state(ConversationStatus.ACTIVE), command(new ChangeStage(SalesStage.QUALIFYING)), NOW);

    assertThat(refused.error().getCode()).isEqualTo("INVALID_STAGE_TRANSITION");
    assertThat(refused.error().getAllowed()).contains("qualifying");
    assertThat(moved.state().getStage()).isEqualTo(SalesStage.QUALIFYING);
  }

  @Test
  void shouldNeverReopenOrEscalateAClosedConversation() {
    ConversationState closed = state(ConversationStatus.CLOSED);

    assertThat(rules.onCommand(closed, command(new ChangeStatus(ConversationStatus.ACTIVE)), NOW).error().getCode())
        .isEqualTo("CONVERSATION_CLOSED");
    assertThat(rules.onCommand(closed, command(new Escalate("ESC-1", "a person", "high", "billing", "finance")), NOW).error().getCode())
        .isEqualTo("CONVERSATION_CLOSED");
  }

  @Test
  void shouldEscalateWithTheTicketAndWhoAskedForIt() {
    var escalated = rules.onCommand(state(ConversationStatus.ACTIVE),
        command(new Escalate("ESC-1", "a person", "high", "billing", "finance")), NOW).state();

    assertThat(escalated.getStatus()).isEqualTo(ConversationStatus.ESCALATED);
    assertThat(escalated.getEscalation().getTicketId()).isEqualTo("ESC-1");
    assertThat(escalated.getEscalation().getRequestedBy()).isEqualTo("u-1");
    assertThat(escalated.getEscalation().getAt()).isEqualTo(NOW);
  }

  @Test
  void shouldLetAnAgentWriteOnlyInAnEscalatedConversationAsAReplyOnItsChannel() {
    var refused = rules.onCommand(state(ConversationStatus.ACTIVE), command(new AgentMessage("agent-7", "Hi", null, null)), NOW);
    var written = rules.onCommand(state(ConversationStatus.ESCALATED), command(new AgentMessage("agent-7", "Hi", null, null)), NOW);

    assertThat(refused.error().getCode()).isEqualTo("NOT_ESCALATED");
    assertThat(written.agentReply().getText()).isEqualTo("Hi");
    assertThat(written.agentReply().getAuthor()).isEqualTo(dev.parley.events.ReplyAuthor.AGENT);
    assertThat(written.agentReply().getModel().getName()).isEqualTo("agent-7");
    assertThat(written.state().getRecentMessages()).last().satisfies(message -> {
      assertThat(message.getRole()).isEqualTo(Role.AGENT);
      assertThat(message.getText()).isEqualTo("Hi");
    });
  }

  @Test
  void shouldAllowOnlyATemplateOnWhatsAppADayAfterTheCustomersLastMessage() {
    ConversationState whatsApp = ConversationState.newBuilder(state(ConversationStatus.ESCALATED))
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.WHATSAPP).build())
        .setLastCustomerMessageAt(NOW.minus(Duration.ofHours(25))).build();

    var text = rules.onCommand(whatsApp, command(new AgentMessage("agent-7", "Hi", null, null)), NOW);
    var template = rules.onCommand(whatsApp, command(new AgentMessage("agent-7", "Hi",
        new MessageTemplate("follow_up", List.of()), null)), NOW);

    assertThat(text.error().getCode()).isEqualTo("WHATSAPP_WINDOW_CLOSED");
    assertThat(template.agentReply()).isNotNull();
    assertThat(CommandRules.whatsAppWindowClosed(ConversationState.newBuilder(whatsApp)
        .setLastCustomerMessageAt(NOW.minus(Duration.ofHours(23))).build(), NOW)).isFalse();
  }

  @Test
  void shouldKeepTheLastTwentyRatings() {
    ConversationState state = state(ConversationStatus.ACTIVE);
    for (int i = 0; i < 25; i++) {
      state = rules.onCommand(state, command(new RecordFeedback(1 + i % 5, true, null, List.of())), NOW).state();
    }

    assertThat(state.getFeedback()).hasSize(20);
  }

  private static ConversationCommand command(Object change) {
    return ConversationCommand.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId("acme-motors")
        .setConversationId("c-1").setRequestedBy("u-1").setChange(change).setCreatedAt(NOW).build();
  }

  static ConversationState state(ConversationStatus status) {
    return ConversationState.newBuilder().setTenantId("acme-motors").setConversationId("c-1").setUserId("u-1")
        .setStatus(status).setStage(SalesStage.GREETING).setRecentMessages(List.of()).setTurnCount(1).setReplyCount(0)
        .setEntitiesSeen(Map.of()).setCreatedAt(NOW).setUpdatedAt(NOW).build();
  }
}
