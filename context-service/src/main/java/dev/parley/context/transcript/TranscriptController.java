package dev.parley.context.transcript;

import dev.parley.context.AtOwner;
import dev.parley.schemas.Keys;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A conversation's transcript, read from the topics at the offsets of the transcript index, on the
 * instance holding the conversation's index entry. Every event, with every field: ingress decides
 * what a caller may see of it.
 *
 * <p>Internal API: it answers only Parley's services (InternalApiConfiguration) and trusts the
 * tenant in the path, which ingress takes from the caller's token.
 */
@RestController
class TranscriptController {

  private final ObjectProvider<TranscriptStreams> streams;
  private final ObjectProvider<TranscriptReader> reader;
  private final AtOwner atOwner;

  TranscriptController(ObjectProvider<TranscriptStreams> streams, ObjectProvider<TranscriptReader> reader, AtOwner atOwner) {
    this.streams = streams;
    this.reader = reader;
    this.atOwner = atOwner;
  }

  /** {@code {"conversationId", "events": [...], "missing"}}; 404 when the index knows no such conversation. */
  @GetMapping("/internal/tenants/{tenantId}/conversations/{conversationId}/transcript")
  Mono<Object> transcript(@PathVariable String tenantId, @PathVariable String conversationId, ServerHttpRequest request) {
    TranscriptStreams index = streams.getIfAvailable();
    String key = Keys.of(tenantId, conversationId);
    return atOwner.answer(index, "the transcript index", () -> index.owner(key), request, null, () -> {
      ConversationOffsets offsets = index.offsets(key).orElseThrow(() ->
          new ResponseStatusException(HttpStatus.NOT_FOUND, "no conversation " + conversationId));
      TranscriptReader.Transcript transcript = reader.getObject().read(offsets);
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("conversationId", conversationId);
      ArrayNode events = json.putArray("events");
      transcript.events().forEach(event -> events.add(event.toJson()));
      json.put("missing", transcript.missing());
      return json;
    });
  }
}
