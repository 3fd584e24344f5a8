package dev.parley.ingress.conversation;

import dev.parley.events.ConversationCommand;
import dev.parley.ingress.security.Caller;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Publishes a requested change of a conversation as a command for context-service, the single
 * writer of conversation state. Commands of one conversation share its key, so they are applied
 * in the order they were sent.
 */
@Component
class ConversationCommands {

  private final KafkaTemplate<String, SpecificRecord> kafka;

  ConversationCommands(KafkaTemplate<String, SpecificRecord> kafka) {
    this.kafka = kafka;
  }

  /** Sends the change; the id of the command it became. */
  Mono<String> send(Caller caller, String conversationId, Object change) {
    ConversationCommand command = ConversationCommand.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(caller.tenantId())
        .setConversationId(conversationId)
        .setRequestedBy(caller.userId())
        .setChange(change)
        .setCreatedAt(Instant.now())
        .build();
    return Mono.fromFuture(() -> kafka.send(Topics.CONVERSATION_COMMANDS.name(), Keys.of(caller.tenantId(), conversationId), command))
        .thenReturn(command.getEventId())
        .onErrorMap(e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
            "the change could not be accepted right now; retry", e));
  }
}
