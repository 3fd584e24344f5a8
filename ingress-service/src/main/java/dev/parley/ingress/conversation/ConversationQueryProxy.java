package dev.parley.ingress.conversation;

import dev.parley.ingress.validation.CleanText;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The public face of context-service's conversation queries: {@code GET /ai/conversations}
 * (newest first, filters, paging) and {@code GET /ai/conversations/{id}} (with its messages). The
 * tenant comes from the token, never from the request. Staff see every conversation of their
 * tenant; a customer sees only the conversations they started, and of those only the messages and
 * where the conversation stands, not the sales team's reading of it (lead temperature, intents,
 * frustration, entities).
 */
@RestController
class ConversationQueryProxy {

  /** What a customer sees of their own conversation. */
  private static final List<String> CUSTOMER_FIELDS = List.of("conversationId", "status", "customerName", "turnCount",
      "replyCount", "createdAt", "updatedAt", "messages");

  /**
   * context-service serves pages down to offset + limit 2,000 (its lists walk an index newest
   * first; deeper pages would grow with the tenant): with the largest limit, 1,800.
   */
  static final int MAX_OFFSET = 1_800;

  private final ContextClient context;
  private final ConversationAccess access;
  private final SecurityAudit audit;

  ConversationQueryProxy(ContextClient context, ConversationAccess access, SecurityAudit audit) {
    this.context = context;
    this.access = access;
    this.audit = audit;
  }

  @GetMapping("/ai/conversations")
  Mono<JsonNode> list(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(required = false) @Pattern(regexp = "(?i)ACTIVE|ESCALATED|CLOSED",
          message = "status must be ACTIVE, ESCALATED or CLOSED") String status,
      @RequestParam(required = false) @jakarta.validation.constraints.Size(max = 100, message = "customer must be at most {max} characters")
      @CleanText(message = "customer must not contain control characters or invalid Unicode") String customer,
      @RequestParam(required = false) @Pattern(regexp = "[a-z]{2}", message = "language must be a two-letter code") String language,
      @RequestParam(required = false) @Pattern(regexp = "(?i)HOT|WARM|COLD", message = "temperature must be HOT, WARM or COLD") String temperature,
      @RequestParam(required = false) Instant updatedSince,
      @RequestParam(defaultValue = "0") @Min(value = 0, message = "offset must be 0 or more")
      @Max(value = MAX_OFFSET, message = "offset must be at most {value}: narrow a deeper list with updatedSince or a filter") int offset,
      @RequestParam(defaultValue = "20") @Min(value = 1, message = "limit must be 1 to 200")
      @Max(value = 200, message = "limit must be 1 to 200") int limit) {
    Caller caller = Caller.of(jwt);
    if (caller.isCustomer() && (customer != null && !customer.isBlank() || temperature != null && !temperature.isBlank())) {
      audit.denied(caller, "conversation.search", "GET /ai/conversations", 403, "a customer searched others' conversations");
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "only staff may filter by customer or lead temperature");
    }
    var query = new ContextClient.ConversationQuery(status, customer, language, temperature, updatedSince,
        caller.isCustomer() ? caller.userId() : null, offset, limit);
    return context.conversations(caller.tenantId(), query)
        .map(page -> caller.isCustomer() ? customerPage(page) : page);
  }

  @GetMapping("/ai/conversations/{conversationId}")
  Mono<JsonNode> one(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "conversationId must be 1 to 128 letters, digits or . _ : -")
      String conversationId) {
    Caller caller = Caller.of(jwt);
    return access.checkUse(caller, conversationId)
        .then(context.conversation(caller.tenantId(), conversationId))
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no conversation " + conversationId)))
        .map(view -> caller.isCustomer() ? customerView(view) : view);
  }

  private static JsonNode customerPage(JsonNode page) {
    ObjectNode copy = ((ObjectNode) page).deepCopy();
    ArrayNode items = JsonNodeFactory.instance.arrayNode();
    page.path("items").forEach(item -> items.add(customerView(item)));
    copy.set("items", items);
    return copy;
  }

  static JsonNode customerView(JsonNode view) {
    ObjectNode shown = JsonNodeFactory.instance.objectNode();
    CUSTOMER_FIELDS.forEach(field -> {
      if (view.has(field)) {
        shown.set(field, view.get(field));
      }
    });
    if (view.hasNonNull("escalation")) {
      ObjectNode escalation = shown.putObject("escalation");
      escalation.set("ticketId", view.get("escalation").get("ticketId"));
      escalation.set("at", view.get("escalation").get("at"));
    }
    return shown;
  }
}
