package dev.parley.schemas.audit;

import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The conversation log: the conversation topics that record what happened in conversations, which
 * transcripts, exports and replays are made of; what each of their events is called, and whether a
 * customer sees it. Listed in the order a turn goes through them: two events with the same time are
 * shown in this order.
 *
 * <p>Not in the log: reply chunks (the reply they stream is there whole) and the conversation state
 * snapshots (what the events made of the conversation, not an event).
 */
public enum ConversationLog {
  MESSAGE(Topics.INBOUND_MESSAGES, true),
  COMMAND(Topics.CONVERSATION_COMMANDS, false),
  COMMAND_OUTCOME(Topics.COMMAND_OUTCOMES, false),
  COMMAND_REFUSED(Topics.CONVERSATION_ERRORS, false),
  TURN(Topics.TURNS, false),
  ENRICHMENT(Topics.ENRICHED_TURNS, false),
  TOOL_CALL(Topics.TOOL_CALLS, false),
  REPLY_FAILURE(Topics.REPLY_FAILURES, false),
  REPLY(Topics.REPLIES, true),
  CONVERSATION_EVENT(Topics.CONVERSATION_EVENTS, true),
  DELIVERY(Topics.DELIVERY_RECEIPTS, false);

  public final Topic<?> topic;
  /** A customer sees events of this kind in their own transcript (some of their fields: ingress's CustomerTranscript). */
  public final boolean customerFacing;

  ConversationLog(Topic<?> topic, boolean customerFacing) {
    this.topic = topic;
    this.customerFacing = customerFacing;
  }

  /** The event's kind in a transcript: {@code tool-call}, {@code reply}, ... */
  public String kind() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static List<String> topicNames() {
    return Arrays.stream(values()).map(source -> source.topic.name()).toList();
  }

  public static Optional<ConversationLog> of(String topicName) {
    return Arrays.stream(values()).filter(source -> source.topic.name().equals(topicName)).findFirst();
  }
}
