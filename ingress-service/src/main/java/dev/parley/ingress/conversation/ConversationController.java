package dev.parley.ingress.conversation;

import dev.parley.events.ChangeStage;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationStatus;
import dev.parley.events.SalesStage;
import dev.parley.events.SetCustomerName;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code PATCH /ai/conversations/{id}}: changes to status, sales stage or customer name travel as
 * command events to context-service, the single writer of conversation state, which applies them
 * or refuses them. The answer is 202 with the command ids and whether they were applied, or the
 * refusal: 409 with its {@code code} and, for a sales-stage move the state machine does not allow,
 * the {@code allowed} stages; 404 for no such conversation.
 *
 * <p>Staff change any conversation of their tenant; a customer may only close their own
 * conversation or give their name.
 */
@RestController
class ConversationController {

  /** The changes requested: applied when context-service's verdict came in time, otherwise still to be applied. */
  record Accepted(String conversationId, List<String> commandIds, boolean applied) {
  }

  private final ConversationCommands commands;
  private final ConversationAccess access;
  private final SecurityAudit audit;

  ConversationController(ConversationCommands commands, ConversationAccess access, SecurityAudit audit) {
    this.commands = commands;
    this.access = access;
    this.audit = audit;
  }

  @PatchMapping(path = "/ai/conversations/{conversationId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Accepted>> patch(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "conversationId must be 1 to 128 letters, digits or . _ : -")
      String conversationId,
      @Valid @RequestBody ConversationPatch patch) {
    Caller caller = Caller.of(jwt);
    if (caller.isCustomer() && (patch.stage() != null || patch.status() != null && !"CLOSED".equalsIgnoreCase(patch.status()))) {
      audit.denied(caller, "conversation.change", "conversation " + conversationId, 403, "a customer changed stage or status");
      throw new ResponseStatusException(HttpStatus.FORBIDDEN,
          "a customer may close their conversation or give their name; the sales stage and hand-overs are for staff");
    }
    List<Object> changes = new ArrayList<>();
    if (patch.status() != null) {
      changes.add(new ChangeStatus(ConversationStatus.valueOf(patch.status().toUpperCase(Locale.ROOT))));
    }
    if (patch.stage() != null) {
      changes.add(new ChangeStage(SalesStage.valueOf(patch.stage().toUpperCase(Locale.ROOT))));
    }
    if (patch.customerName() != null) {
      changes.add(new SetCustomerName(patch.customerName().strip()));
    }
    // One at a time, in order; the first refused change stops the rest (409 or 404 problem).
    return access.checkUse(caller, conversationId).thenMany(Flux.fromIterable(changes))
        .concatMap(change -> commands.send(caller, conversationId, change))
        .collectList()
        .map(sent -> ResponseEntity.accepted().body(new Accepted(conversationId,
            sent.stream().map(ConversationCommands.Sent::commandId).toList(),
            sent.stream().allMatch(ConversationCommands.Sent::applied))));
  }
}
