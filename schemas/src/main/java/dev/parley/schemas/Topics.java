package dev.parley.schemas;

import dev.parley.analytics.Alert;
import dev.parley.analytics.AlertRules;
import dev.parley.analytics.AnalyticsWindow;
import dev.parley.events.AssistantReply;
import dev.parley.events.CommandOutcome;
import dev.parley.events.ConversationCommand;
import dev.parley.events.CustomerProfile;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationState;
import dev.parley.events.DeadLetter;
import dev.parley.events.DeliveryReceipt;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.InboundMessage;
import dev.parley.events.ReplyChunk;
import dev.parley.events.SecurityAuditEvent;
import dev.parley.events.ReplyFailure;
import dev.parley.events.ToolCallAudit;
import dev.parley.events.UserTurn;
import dev.parley.reference.Customer;
import dev.parley.reference.Deal;
import dev.parley.reference.KnowledgeDocument;
import dev.parley.reference.MlInsight;
import dev.parley.reference.Product;
import java.time.Duration;
import java.util.List;

/**
 * The one catalog of Parley's topics. Every service creates the topics it touches from here,
 * so names, partitions and cleanup policies are written once.
 *
 * <p>Every topic takes records up to {@link Topic#RECORD_LIMIT} unless it says otherwise; what
 * Parley writes stays well below (a turn holds at most 16,000 characters of text, a knowledge
 * document 200,000 characters).
 *
 * <p>Conversation topics share one partition count and one key ({@code tenantId:conversationId}):
 * a conversation always lands on the same partition of each, which Kafka Streams needs to join
 * them and which keeps each conversation in order without locks.
 */
public final class Topics {

  /** Partitions of every conversation-keyed topic. They must be equal for co-partitioning. */
  public static final int CONVERSATION_PARTITIONS = 6;

  private static final String CONVERSATION_KEY = "tenantId:conversationId";

  /**
   * How long the conversation log is kept: the longest any tenant keeps its conversations. A tenant
   * that keeps them for less has them erased by key (see README.md, "Retention").
   */
  public static final Duration CONVERSATION_LOG = Duration.ofDays(365);
  /** Reply chunks stream a reply to a client; the reply itself is on the log whole. */
  public static final Duration STREAMED_CHUNKS = Duration.ofDays(1);
  /** Dead letters carry the failed record whole (customer text, provider payloads) for re-drive. */
  public static final Duration RAW_PAYLOADS = Duration.ofDays(30);
  /** Who was refused what, and security-relevant changes. */
  public static final Duration AUDIT = Duration.ofDays(365);

  public static final Topic<InboundMessage> INBOUND_MESSAGES = Topic.kept(
      "parley.inbound-messages", InboundMessage.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  public static final Topic<UserTurn> TURNS = Topic.kept(
      "parley.turns", UserTurn.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  public static final Topic<EnrichedTurn> ENRICHED_TURNS = Topic.kept(
      "parley.enriched-turns", EnrichedTurn.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  public static final Topic<ReplyChunk> REPLY_CHUNKS = Topic.kept(
      "parley.reply-chunks", ReplyChunk.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, STREAMED_CHUNKS);
  public static final Topic<AssistantReply> REPLIES = Topic.kept(
      "parley.replies", AssistantReply.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  public static final Topic<DeliveryReceipt> DELIVERY_RECEIPTS = Topic.kept(
      "parley.delivery-receipts", DeliveryReceipt.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** Every tool call made while answering, for audit and analytics. */
  public static final Topic<ToolCallAudit> TOOL_CALLS = Topic.kept(
      "parley.tool-calls", ToolCallAudit.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** Turns the model could not answer (a fallback reply was sent), with the cause. */
  public static final Topic<ReplyFailure> REPLY_FAILURES = Topic.kept(
      "parley.reply-failures", ReplyFailure.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** The latest state of every conversation, for analytics and audit consumers. */
  public static final Topic<ConversationState> CONVERSATIONS = Topic.compacted(
      "parley.conversations", ConversationState.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS);
  /** What Parley knows about each customer across conversations (latest per customer). */
  public static final Topic<CustomerProfile> CUSTOMER_PROFILES = Topic.compacted(
      "parley.customer-profiles", CustomerProfile.class, "tenantId:customerKey", 3);
  /** Requested changes to conversations; context-service applies or refuses them. */
  public static final Topic<ConversationCommand> CONVERSATION_COMMANDS = Topic.kept(
      "parley.conversation-commands", ConversationCommand.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** Commands context-service refused, with the reason. */
  public static final Topic<ConversationError> CONVERSATION_ERRORS = Topic.kept(
      "parley.conversation-errors", ConversationError.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** The verdict on every conversation command: applied, or refused with the reason. */
  public static final Topic<CommandOutcome> COMMAND_OUTCOMES = Topic.kept(
      "parley.command-outcomes", CommandOutcome.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** What happened to conversations (started, escalated, handed back, closed, stage moved, feedback). */
  public static final Topic<ConversationEvent> CONVERSATION_EVENTS = Topic.kept(
      "parley.conversation-events", ConversationEvent.class, CONVERSATION_KEY, CONVERSATION_PARTITIONS, CONVERSATION_LOG);
  /** Denied access and security-relevant changes, for audit (never message text). */
  public static final Topic<SecurityAuditEvent> SECURITY_AUDIT = Topic.kept(
      "parley.security-audit", SecurityAuditEvent.class, "tenantId", 3, AUDIT);
  /** A dead letter carries the failed record whole (up to 1 MiB) plus why: twice the usual limit. */
  public static final Topic<DeadLetter> DEAD_LETTERS = new Topic<>(
      "parley.dead-letters", DeadLetter.class, "source topic key", 3, false, 2 * Topic.RECORD_LIMIT + 32 * 1024, RAW_PAYLOADS);

  public static final Topic<Customer> CUSTOMERS = Topic.compacted(
      "parley.ref.customers", Customer.class, "tenantId:customerId", 3);
  public static final Topic<Deal> DEALS = Topic.compacted(
      "parley.ref.deals", Deal.class, "tenantId:dealId", 3);
  public static final Topic<MlInsight> ML_INSIGHTS = Topic.compacted(
      "parley.ref.ml-insights", MlInsight.class, "tenantId:customerId", 3);
  public static final Topic<Product> INVENTORY = Topic.compacted(
      "parley.ref.inventory", Product.class, "tenantId:productId", 3);
  public static final Topic<KnowledgeDocument> KNOWLEDGE_DOCUMENTS = Topic.compacted(
      "parley.ref.knowledge-documents", KnowledgeDocument.class, "tenantId:documentId", 3);

  /** Each tenant's closed analytics windows (context-service's analytics application), for downstream consumers. */
  public static final Topic<AnalyticsWindow> ANALYTICS_MINUTE = Topic.kept(
      "parley.analytics-minute", AnalyticsWindow.class, "tenantId", 3, Duration.ofDays(2));
  public static final Topic<AnalyticsWindow> ANALYTICS_HOUR = Topic.kept(
      "parley.analytics-hour", AnalyticsWindow.class, "tenantId", 3, Duration.ofDays(35));
  public static final Topic<AnalyticsWindow> ANALYTICS_DAY = Topic.kept(
      "parley.analytics-day", AnalyticsWindow.class, "tenantId", 3, Duration.ofDays(400));

  /** Each tenant's alert rules, the latest in force (compacted; a tombstone puts the defaults back). */
  public static final Topic<AlertRules> ALERT_RULES = Topic.compacted(
      "parley.alert-rules", AlertRules.class, "tenantId", 1);
  /** Alert rules starting and stopping to fire, keyed by tenant. */
  public static final Topic<Alert> ALERTS = Topic.kept(
      "parley.alerts", Alert.class, "tenantId", 3, Duration.ofDays(90));

  public static final List<Topic<?>> ALL = List.of(
      INBOUND_MESSAGES, TURNS, ENRICHED_TURNS, REPLY_CHUNKS, REPLIES, TOOL_CALLS, REPLY_FAILURES, DELIVERY_RECEIPTS,
      CONVERSATIONS, CUSTOMER_PROFILES, CONVERSATION_COMMANDS, CONVERSATION_ERRORS, COMMAND_OUTCOMES, CONVERSATION_EVENTS, SECURITY_AUDIT, DEAD_LETTERS,
      CUSTOMERS, DEALS, ML_INSIGHTS, INVENTORY, KNOWLEDGE_DOCUMENTS, ANALYTICS_MINUTE, ANALYTICS_HOUR, ANALYTICS_DAY, ALERT_RULES, ALERTS);

  /** The catalog's topic of that name. */
  public static java.util.Optional<Topic<?>> named(String name) {
    return ALL.stream().filter(topic -> topic.name().equals(name)).findFirst();
  }

  /** Every topic of the catalog as the admin client creates it. */
  public static org.apache.kafka.clients.admin.NewTopic[] newTopics(short replicationFactor) {
    return ALL.stream().map(topic -> topic.newTopic(replicationFactor))
        .toArray(org.apache.kafka.clients.admin.NewTopic[]::new);
  }

  private Topics() {
  }
}
