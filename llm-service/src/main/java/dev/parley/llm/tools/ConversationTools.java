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
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Tools that change the conversation. They do not change it themselves: they publish commands,
 * and context-service, the single writer of conversation state, applies or refuses them (a stage
 * move its state machine does not allow becomes a ConversationError).
 */
public final class ConversationTools {

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final String tenantId;
  private final String conversationId;

  public ConversationTools(KafkaTemplate<String, SpecificRecord> kafka, String tenantId, String conversationId) {
    this.kafka = kafka;
    this.tenantId = tenantId;
    this.conversationId = conversationId;
  }

  @Tool("Move the conversation to another sales stage: greeting, qualifying, needs_analysis, solution, company_details, quoting or closing")
  public Map<String, String> advanceSalesStage(@P("the stage to move to") String stage) {
    SalesStage target;
    try {
      target = SalesStage.valueOf(stage.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Map.of("error", "unknown stage " + stage);
    }
    String id = send(new ChangeStage(target));
    return Map.of("requested", target.name().toLowerCase(Locale.ROOT), "commandId", id,
        "note", "the conversation service validates the move against the sales state machine");
  }

  @Tool("Hand the conversation to a human: the bot stops answering it. Category routes it: billing, technical, complaint, service, sales")
  public Map<String, String> escalateToHuman(@P("why a human is needed") String reason,
      @P(value = "category", required = false) String category) {
    String ticket = "ESC-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    String department = Escalations.departmentFor(category);
    send(new Escalate(ticket, reason, "normal", Escalations.category(category), department));
    return Map.of("ticketId", ticket, "department", department);
  }

  private String send(Object change) {
    ConversationCommand command = ConversationCommand.newBuilder()
        .setEventId(UUID.randomUUID().toString())
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
