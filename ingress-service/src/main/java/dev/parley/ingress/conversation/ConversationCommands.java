package dev.parley.ingress.conversation;

import dev.parley.events.CommandOutcome;
import dev.parley.events.CommandResult;
import dev.parley.events.ConversationCommand;
import dev.parley.ingress.gateway.ConversationFeeds;
import dev.parley.ingress.security.Caller;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Publishes a requested change of a conversation as a command for context-service, the single
 * writer of conversation state, and waits briefly for its verdict. Commands of one conversation
 * share its key, so they are applied in the order they were sent.
 *
 * <p>A refused command is an error here, not only an event: 404 when there is no such
 * conversation, 409 problem+json with the reason's {@code code} (and for a sales-stage move the
 * {@code allowed} stages) otherwise. A verdict later than {@code parley.chat.verdict-wait} leaves
 * the command accepted but not yet known to be applied.
 */
@Component
class ConversationCommands {

  /** A command that was accepted: its id, and context-service's verdict if it came in time (else null). */
  record Sent(String commandId, CommandOutcome outcome) {
    boolean applied() {
      return outcome != null;
    }
  }

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final ConversationFeeds feeds;
  private final Duration verdictWait;

  ConversationCommands(KafkaTemplate<String, SpecificRecord> kafka, ConversationFeeds feeds,
      @Value("${parley.chat.verdict-wait:PT5S}") Duration verdictWait) {
    this.kafka = kafka;
    this.feeds = feeds;
    this.verdictWait = verdictWait;
  }

  /** Sends the change and waits for the verdict: applied (or late), or an error saying why it was refused. */
  Mono<Sent> send(Caller caller, String conversationId, Object change) {
    ConversationCommand command = ConversationCommand.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(caller.tenantId())
        .setConversationId(conversationId)
        .setRequestedBy(caller.userId())
        .setChange(change)
        .setCreatedAt(Instant.now())
        .build();
    // Follow the verdicts before publishing, so this one cannot slip past unseen.
    var verdict = feeds.outcomeOf(caller.tenantId(), conversationId, command.getEventId())
        .timeout(verdictWait, Mono.empty())
        .toFuture();
    return Mono.fromFuture(() -> kafka.send(Topics.CONVERSATION_COMMANDS.name(), Keys.of(caller.tenantId(), conversationId), command))
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
            "the change could not be accepted right now; retry", e))
        .doOnError(e -> verdict.cancel(true))
        .then(Mono.fromFuture(verdict, true))
        .map(outcome -> {
          if (outcome.getVerdict() == CommandResult.REFUSED) {
            throw refusal(conversationId, command.getEventId(), outcome);
          }
          return new Sent(command.getEventId(), outcome);
        })
        .defaultIfEmpty(new Sent(command.getEventId(), null));
  }

  private static ErrorResponseException refusal(String conversationId, String commandId, CommandOutcome outcome) {
    HttpStatus status = "UNKNOWN_CONVERSATION".equals(outcome.getCode()) ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
        status == HttpStatus.NOT_FOUND ? "no conversation " + conversationId : outcome.getMessage());
    problem.setTitle(status == HttpStatus.NOT_FOUND ? "Not Found" : "Change refused");
    problem.setProperty("code", outcome.getCode());
    problem.setProperty("commandId", commandId);
    if (!outcome.getAllowed().isEmpty()) {
      problem.setProperty("allowed", outcome.getAllowed());
    }
    return new ErrorResponseException(status, problem, null);
  }
}
