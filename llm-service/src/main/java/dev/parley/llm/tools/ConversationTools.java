package dev.parley.llm.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.parley.events.ChangeStage;
import dev.parley.events.ConversationCommand;
import dev.parley.events.Escalate;
import dev.parley.events.SalesStage;
import dev.parley.schemas.Escalations;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Tools that change the conversation. They do not change it themselves: they publish commands,
 * and context-service, the single writer of conversation state, applies or refuses them (a stage
 * move its state machine does not allow becomes a ConversationError).
 *
 * <p>Each change happens once per answer: a command's id (and an escalation's ticket) derive from
 * the reply being written, the tool and its arguments, so a model call retried after a timeout or a
 * turn answered again after a crash sends the same command, which context-service applies once.
 */
public final class ConversationTools {

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final String tenantId;
  private final String conversationId;
  private final String replyId;

  /**
   * @param replyId the reply being written: what a change is done once for
   */
  public ConversationTools(KafkaTemplate<String, SpecificRecord> kafka, String tenantId, String conversationId, String replyId) {
    this.kafka = kafka;
    this.tenantId = tenantId;
    this.conversationId = conversationId;
    this.replyId = replyId;
  }

  @Tool("Move the conversation to another sales stage: greeting, qualifying, needs_analysis, solution, company_details, quoting or closing")
  public Map<String, String> advanceSalesStage(@P("the stage to move to") String stage) {
    SalesStage target;
    try {
      target = SalesStage.valueOf(stage.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Map.of("error", "unknown stage " + stage);
    }
    String id = send(idempotencyKey("advanceSalesStage", target.name()), new ChangeStage(target));
    return Map.of("requested", target.name().toLowerCase(Locale.ROOT), "commandId", id,
        "note", "the conversation service validates the move against the sales state machine");
  }

  @Tool("Hand the conversation to a human: the bot stops answering it. Category routes it: billing, technical, complaint, service, sales")
  public Map<String, String> escalateToHuman(@P("why a human is needed") String reason,
      @P(value = "category", required = false) String category) {
    String key = idempotencyKey("escalateToHuman", reason, String.valueOf(category));
    String ticket = "ESC-" + key.substring(0, 8).toUpperCase(Locale.ROOT);
    String department = Escalations.departmentFor(category);
    send(key, new Escalate(ticket, reason, "normal", Escalations.category(category), department));
    return Map.of("ticketId", ticket, "department", department);
  }

  /** The same for the same reply, tool and arguments: a retry repeats nothing. */
  String idempotencyKey(String tool, String... arguments) {
    String[] parts = new String[arguments.length + 3];
    parts[0] = "tool-call";
    parts[1] = replyId;
    parts[2] = tool;
    System.arraycopy(arguments, 0, parts, 3, arguments.length);
    return Keys.derivedId(parts);
  }

  private String send(String idempotencyKey, Object change) {
    ConversationCommand command = ConversationCommand.newBuilder()
        .setEventId(idempotencyKey)
        .setTenantId(tenantId)
        .setConversationId(conversationId)
        .setRequestedBy("llm-service")
        .setChange(change)
        .setCreatedAt(Instant.now())
        .build();
    kafka.send(Topics.CONVERSATION_COMMANDS.name(), Keys.of(tenantId, conversationId), command).join();
    return command.getEventId();
  }
}
