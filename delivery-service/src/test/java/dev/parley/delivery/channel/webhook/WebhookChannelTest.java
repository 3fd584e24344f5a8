package dev.parley.delivery.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.delivery.channel.Outgoing;
import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertMetric;
import dev.parley.analytics.AlertRule;
import dev.parley.analytics.AlertState;
import dev.parley.analytics.Granularity;
import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.EscalationInfo;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

class WebhookChannelTest {

  private static final Outgoing REPLY = Outgoing.of(AssistantReply.newBuilder()
      .setEventId("r-1").setTenantId("t").setConversationId("c").setTurnId("turn-1").setMessageIds(List.of("m-1"))
      .setChannel(ChannelInfo.newBuilder().setType(ChannelType.WEB).build()).setText("Hello")
      .setIntent(new Intent("other", 1.0)).setModel(new ModelInfo("agent-7", "human", false)).setAuthor(ReplyAuthor.AGENT)
      .setUsage(new TokenUsage(0, 0, false, 0.0)).setProcessingTimeMs(0).setCreatedAt(Instant.EPOCH).build());
  private static final Outgoing ESCALATED = Outgoing.of(ConversationEvent.newBuilder()
      .setEventId("e-1").setTenantId("t").setConversationId("c").setType(ConversationEventType.ESCALATED)
      .setFrom("ACTIVE").setTo("ESCALATED").setCauseId("cmd-1").setRequestedBy("u-1")
      .setEscalation(EscalationInfo.newBuilder().setTicketId("ESC-1").setReason("wants a person").setPriority("high")
          .setCategory("sales").setDepartment("sales").setRequestedBy("u-1").setAt(Instant.EPOCH).build())
      .setCreatedAt(Instant.EPOCH).build());
  private static final Outgoing CLOSED = Outgoing.of(ConversationEvent.newBuilder()
      .setEventId("e-2").setTenantId("t").setConversationId("c").setType(ConversationEventType.CLOSED)
      .setCauseId("cmd-2").setCreatedAt(Instant.EPOCH).build());

  private static final Outgoing FIRING = Outgoing.of(Alert.newBuilder()
      .setEventId("a-1").setTenantId("t").setState(AlertState.FIRING)
      .setRule(new AlertRule("errors", AlertMetric.ERROR_RATE, 0.1, Granularity.MINUTE, 10L))
      .setValue(0.25).setEvents(12).setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH.plusSeconds(60))
      .setSummary("Fallback replies were 25% of 12 replies").setRaisedAt(Instant.EPOCH).build());

  @Test
  void shouldWantRepliesAndConversationEventsButNotAlertsWhenSubscribedToNone() {
    WebhookChannel all = hook(List.of());

    assertThat(List.of(REPLY, ESCALATED, CLOSED)).allMatch(all::wants);
    assertThat(all.wants(FIRING)).as("alerts are asked for by name").isFalse();
    assertThat(hook(List.of("alert.*")).wants(FIRING)).isTrue();
    assertThat(hook(List.of("alert.resolved")).wants(FIRING)).isFalse();
  }

  @Test
  void shouldDescribeAnAlertByItsRuleWindowAndFigureWithoutAConversation() {
    Map<String, Object> alert = WebhookPayloads.of(FIRING);

    assertThat(alert).containsEntry("type", "alert.firing").containsEntry("state", "firing").containsEntry("rule", "errors")
        .containsEntry("metric", "error_rate").containsEntry("value", 0.25).containsEntry("events", 12L)
        .containsEntry("windowStart", "1970-01-01T00:00:00Z").doesNotContainKey("conversationId");
    assertThat(FIRING.conversationId()).as("one rule's alerts keep their order").isEqualTo("alert:errors");
  }

  @Test
  void shouldWantOnlyTheEventsNamedOrMatchedByWildcard() {
    assertThat(hook(List.of("reply")).wants(ESCALATED)).isFalse();
    assertThat(hook(List.of("reply")).wants(REPLY)).isTrue();
    assertThat(hook(List.of("conversation.escalated")).wants(CLOSED)).isFalse();
    assertThat(hook(List.of("conversation.escalated")).wants(ESCALATED)).isTrue();
    assertThat(hook(List.of("conversation.*")).wants(CLOSED)).isTrue();
    assertThat(hook(List.of("conversation.*")).wants(REPLY)).isFalse();
  }

  @Test
  void shouldDescribeEscalationAndAgentReplyInPayload() {
    Map<String, Object> escalated = WebhookPayloads.of(ESCALATED);
    assertThat(escalated).containsEntry("type", "conversation.escalated").containsEntry("eventId", "e-1")
        .containsEntry("from", "ACTIVE").containsEntry("to", "ESCALATED").containsEntry("requestedBy", "u-1");
    @SuppressWarnings("unchecked")
    Map<String, Object> escalation = (Map<String, Object>) escalated.get("escalation");
    assertThat(escalation).containsEntry("ticketId", "ESC-1").containsEntry("priority", "high");

    Map<String, Object> reply = WebhookPayloads.of(REPLY);
    assertThat(reply).containsEntry("type", "reply").containsEntry("author", "agent").containsEntry("text", "Hello")
        .doesNotContainKey("escalation");
  }

  private static WebhookChannel hook(List<String> events) {
    return new WebhookChannel(WebClient.builder(), "https://crm.example.com/hook", "secret", events, Duration.ofSeconds(1));
  }
}
