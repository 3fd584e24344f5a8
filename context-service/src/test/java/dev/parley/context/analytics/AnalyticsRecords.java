package dev.parley.context.analytics;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.CustomerProfile;
import dev.parley.events.DeliveredKind;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.DeliveryStatus;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyAuthor;
import dev.parley.events.ReplyStatus;
import dev.parley.events.TokenUsage;
import dev.parley.events.ToolCallAudit;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Records of every topic the analytics application reads, as tests script them. */
final class AnalyticsRecords {

  /** When every scripted record says it was created (the analytics windows go by the record's timestamp). */
  static final Instant CREATED = Instant.parse("2026-11-30T00:00:00Z");

  private AnalyticsRecords() {
  }

  static UserTurn turn(String tenant, String conversation, String user, ChannelType channel, int messages) {
    List<String> ids = new ArrayList<>();
    for (int m = 0; m < messages; m++) {
      ids.add(UUID.randomUUID().toString());
    }
    return UserTurn.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setMessageIds(ids).setUserId(user).setText("hello").setChannel(ChannelInfo.newBuilder().setType(channel).build())
        .setFirstReceivedAt(CREATED).setCreatedAt(CREATED).build();
  }

  static EnrichedTurn enriched(String tenant, String conversation, String user, ChannelType channel, String intent,
      double confidence) {
    return EnrichedTurn.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setTurn(turn(tenant, conversation, user, channel, 1)).setHistory(List.of()).setIntent(new Intent(intent, confidence))
        .setAnalysis(TurnAnalysis.newBuilder().setLanguage("en").setEntities(List.of()).setSentiment(-0.5).setFrustration(2).build())
        .setCreatedAt(CREATED).build();
  }

  static AssistantReply reply(String tenant, String conversation, ChannelType channel, boolean fallback, long latency,
      int inputTokens, ReplyAuthor author) {
    return AssistantReply.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setTurnId("t").setMessageIds(List.of()).setChannel(ChannelInfo.newBuilder().setType(channel).build()).setText("answer")
        .setStatus(fallback ? ReplyStatus.FALLBACK : ReplyStatus.ANSWERED).setIntent(new Intent("financing", 0.9))
        .setModel(author == ReplyAuthor.AGENT ? new ModelInfo("agent-1", "human", false) : new ModelInfo("gpt-4o-mini", "openai-compatible", false))
        .setUsage(new TokenUsage(inputTokens, 50, false, inputTokens * 1e-6)).setAuthor(author)
        .setProcessingTimeMs(latency).setCreatedAt(CREATED).build();
  }

  static CustomerProfile profile(String tenant, String customer, String temperature) {
    return CustomerProfile.newBuilder().setTenantId(tenant).setCustomerKey(customer).setLeadTemperature(temperature)
        .setFirstSeenAt(CREATED).setLastSeenAt(CREATED).build();
  }

  static ToolCallAudit toolCall(String tenant, String conversation, boolean ok) {
    return ToolCallAudit.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setTurnId("t").setReplyId("r").setTool("calculateSalesTax").setArguments("{}").setStatus(ok ? "OK" : "ERROR")
        .setLatencyMs(12).setError(ok ? null : "IllegalArgumentException: no such state").setConfidence(0.8).setRound(1)
        .setReasoning("test").setModel("gpt-4o-mini").setCreatedAt(CREATED).build();
  }

  static ConversationEvent event(String tenant, String conversation, ConversationEventType type) {
    return ConversationEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setType(type).setTo("ACTIVE").setCauseId("cause").setMessageIds(List.of()).setCreatedAt(CREATED).build();
  }

  static DeliveryReceipt receipt(String tenant, String conversation, ChannelType channel) {
    return DeliveryReceipt.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant).setConversationId(conversation)
        .setReplyId("r").setKind(DeliveredKind.REPLY).setChannel(channel).setStatus(DeliveryStatus.SERVED_BY_GATEWAY).setAttempt(1)
        .setCreatedAt(CREATED).build();
  }
}
