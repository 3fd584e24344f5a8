package dev.parley.ingress.conversation;

import dev.parley.ingress.validation.CleanText;
import dev.parley.events.Escalate;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.schemas.Keys;
import org.springframework.http.HttpStatus;
import dev.parley.events.RecordFeedback;
import dev.parley.ingress.security.Caller;
import dev.parley.schemas.Escalations;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Human escalation and customer feedback. Both are changes of the conversation, so both travel as
 * commands to context-service: an escalation makes the conversation ESCALATED (the bot stops
 * answering it), feedback is kept with the conversation. A customer escalates and rates only
 * their own conversations; staff any of their tenant's; only staff write to customers.
 */
@RestController
class SupportController {

  private static final String ID = "[A-Za-z0-9._:-]{1,128}";
  private static final String ID_RULE = "conversationId must be 1 to 128 letters, digits or . _ : -";


  record EscalationRequest(
      @NotBlank(message = "conversationId is required") @Pattern(regexp = ID, message = ID_RULE) String conversationId,
      @NotBlank(message = "reason is required") @Size(max = 1000, message = "reason must be at most {max} characters")
      @CleanText(message = "reason must not contain control characters or invalid Unicode") String reason,
      @Pattern(regexp = "(?i)low|normal|high|urgent", message = "priority must be low, normal, high or urgent") String priority,
      @Size(max = 64, message = "category must be at most {max} characters")
      @CleanText(message = "category must not contain control characters or invalid Unicode") String category) {
  }

  record EscalationTicket(String ticketId, String conversationId, String status, String priority, String category,
      String department, int queuePosition) {
  }

  record FeedbackRequest(
      @NotBlank(message = "conversationId is required") @Pattern(regexp = ID, message = ID_RULE) String conversationId,
      @NotNull(message = "rating is required") @Min(value = 1, message = "rating must be 1 to 5")
      @Max(value = 5, message = "rating must be 1 to 5") Integer rating,
      Boolean positive,
      @Size(max = 2000, message = "comment must be at most {max} characters")
      @CleanText(message = "comment must not contain control characters or invalid Unicode") String comment,
      @Size(max = 10, message = "at most {max} categories") List<@Size(max = 64) @CleanText @NotNull String> categories) {
  }

  record FeedbackRecorded(String feedbackId, String conversationId) {
  }

  record AgentMessageRequest(
      @Size(max = 4000, message = "text must be at most {max} characters")
      @CleanText(message = "text must not contain control characters or invalid Unicode") String text,
      @Valid TemplateRequest template,
      @Pattern(regexp = "https://\\S{1,2000}", message = "mediaUrl must be an https URL") String mediaUrl) {
  }

  /** An approved WhatsApp template and its values: what reaches a customer who has not written for 24 hours. */
  record TemplateRequest(
      @NotBlank(message = "template.id is required") @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}",
          message = "template.id must be 1 to 128 letters, digits or . _ : -") String id,
      @Size(max = 20, message = "at most {max} template values")
      List<@NotNull(message = "template values cannot be null") @Size(max = 1024, message = "template values must be at most {max} characters")
          @CleanText(message = "template values must not contain control characters or invalid Unicode") String> values) {
  }

  record AgentMessageAccepted(String commandId, String conversationId, String replyId) {
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SupportController.class);

  private final ConversationCommands commands;
  private final ContextClient context;
  private final ConversationAccess access;

  SupportController(ConversationCommands commands, ContextClient context, ConversationAccess access) {
    this.commands = commands;
    this.context = context;
    this.access = access;
  }

  /**
   * The queue position is this escalation's place among the tenant's open escalations: those
   * already open (other conversations with status ESCALATED) plus one.
   */
  @PostMapping(path = "/ai/escalate", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<EscalationTicket>> escalate(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody EscalationRequest request) {
    Caller caller = Caller.of(jwt);
    String category = Escalations.category(request.category());
    String priority = request.priority() == null ? "normal" : request.priority().toLowerCase(Locale.ROOT);
    String department = Escalations.departmentFor(category);
    String ticketId = "ESC-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    return access.checkUse(caller, request.conversationId())
        .then(openEscalations(caller, request.conversationId()))
        .flatMap(open -> commands.send(caller, request.conversationId(),
                new Escalate(ticketId, request.reason(), priority, category, department))
            .thenReturn(ResponseEntity.accepted().body(new EscalationTicket(ticketId, request.conversationId(),
                "ESCALATED", priority, category, department, open + 1))));
  }

  @PostMapping(path = "/ai/feedback", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<FeedbackRecorded>> feedback(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody FeedbackRequest request) {
    Caller caller = Caller.of(jwt);
    boolean positive = request.positive() != null ? request.positive() : request.rating() >= 4;
    RecordFeedback feedback = new RecordFeedback(request.rating(), positive, request.comment(),
        request.categories() == null ? List.of() : request.categories());
    return access.checkUse(caller, request.conversationId())
        .then(commands.send(caller, request.conversationId(), feedback))
        .map(sent -> ResponseEntity.accepted().body(new FeedbackRecorded(sent.commandId(), request.conversationId())));
  }

  /**
   * A human agent writes to the customer of an escalated conversation; the message reaches the
   * customer on the conversation's channel. Only staff (role {@code agent} or {@code admin}) may do this.
   * WhatsApp customers who last wrote more than 24 hours ago can only be sent an approved
   * {@code template}. A message context-service refuses (not escalated, WhatsApp window closed)
   * is a 409 problem with its {@code code}; otherwise 202 with the id of the reply that carries it.
   * Handing back to the bot is {@code PATCH /ai/conversations/{id}} with status ACTIVE.
   */
  @PostMapping(path = "/ai/conversations/{conversationId}/agent-messages", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<AgentMessageAccepted>> agentMessage(@AuthenticationPrincipal Jwt jwt,
      @org.springframework.web.bind.annotation.PathVariable @Pattern(regexp = ID, message = ID_RULE) String conversationId,
      @Valid @RequestBody AgentMessageRequest request) {
    Caller caller = Caller.of(jwt); // an agent or admin (SecurityConfiguration)
    boolean hasText = request.text() != null && !request.text().isBlank();
    if (!hasText && request.template() == null) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text or template is required");
    }
    dev.parley.events.MessageTemplate template = request.template() == null ? null : new dev.parley.events.MessageTemplate(
        request.template().id(), request.template().values() == null ? List.of() : request.template().values());
    // A template's text is how it reads in the conversation's history.
    String text = hasText ? request.text() : "[template " + template.getId() + "] " + String.join(", ", template.getValues());
    return commands.send(caller, conversationId, new dev.parley.events.AgentMessage(caller.userId(), text, template, request.mediaUrl()))
        .map(sent -> ResponseEntity.accepted().body(new AgentMessageAccepted(sent.commandId(), conversationId,
            Keys.agentReplyId(sent.commandId()))));
  }

  /**
   * The tenant's open escalations besides this conversation: the ESCALATED count (kept by
   * context-service, not counted from a list), less this one if it is escalated already.
   */
  private Mono<Integer> openEscalations(Caller caller, String conversationId) {
    return Mono.zip(context.conversationCounts(caller.tenantId()),
            context.conversationSummary(caller.tenantId(), conversationId).map(view -> view.path("status").asString()).defaultIfEmpty(""))
        .map(found -> Math.max(0, found.getT1().path("byStatus").path("ESCALATED").asInt() - ("ESCALATED".equals(found.getT2()) ? 1 : 0)))
        .onErrorResume(e -> {
          // The queue position is advice; the escalation itself must not fail for it.
          log.warn("could not count open escalations of tenant {}: {}", caller.tenantId(), e.toString());
          return Mono.just(0);
        });
  }
}
