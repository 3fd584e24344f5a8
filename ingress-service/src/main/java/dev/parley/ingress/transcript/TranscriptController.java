package dev.parley.ingress.transcript;

import dev.parley.ingress.conversation.ConversationAccess;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /ai/conversations/{id}/transcript}: every event of a conversation, in order, read from
 * the topics by context-service (its transcript index says where they are). Staff see every field
 * of every event; a customer sees their own conversation only, and of it what they wrote and were
 * answered ({@link CustomerTranscript}).
 *
 * <p>As JSON ({@code {"conversationId", "events": [...], "missing"}}), as NDJSON (one event per
 * line, {@code Accept: application/x-ndjson}) or as a printable page ({@code Accept: text/html}).
 */
@RestController
@Validated
class TranscriptController {

  static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;

  private final ContextClient context;
  private final ConversationAccess access;

  TranscriptController(ContextClient context, ConversationAccess access) {
    this.context = context;
    this.access = access;
  }

  @GetMapping("/ai/conversations/{conversationId}/transcript")
  Mono<ResponseEntity<Object>> transcript(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "conversationId must be 1 to 128 letters, digits or . _ : -")
      String conversationId,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    Caller caller = Caller.of(jwt);
    MediaType format = format(accept);
    return access.checkUse(caller, conversationId)
        .then(context.transcript(caller.tenantId(), conversationId))
        .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no conversation " + conversationId)))
        .map(transcript -> caller.isCustomer() ? CustomerTranscript.of(transcript) : transcript)
        .map(transcript -> answer(transcript, format, caller.isStaff()));
  }

  private static ResponseEntity<Object> answer(JsonNode transcript, MediaType format, boolean staff) {
    var ok = ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store");
    if (format.equals(MediaType.TEXT_HTML)) {
      return ok.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
          .body(TranscriptPage.render(transcript, staff));
    }
    if (format.equals(NDJSON)) {
      StringBuilder lines = new StringBuilder();
      transcript.path("events").forEach(event -> lines.append(event.toString()).append('\n'));
      return ok.contentType(NDJSON).body(lines.toString());
    }
    return ok.contentType(MediaType.APPLICATION_JSON).body(transcript);
  }

  /** The format the caller asked for first: a page, NDJSON, or JSON (the default, and for anything else). */
  static MediaType format(String accept) {
    if (accept == null || accept.isBlank()) {
      return MediaType.APPLICATION_JSON;
    }
    List<MediaType> asked;
    try {
      asked = MediaType.parseMediaTypes(accept);
    } catch (org.springframework.util.InvalidMimeTypeException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the Accept header cannot be read: " + e.getMessage());
    }
    asked = new java.util.ArrayList<>(asked);
    asked.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed()); // stable: ties keep their order
    for (MediaType type : asked) {
      for (MediaType offered : List.of(MediaType.APPLICATION_JSON, NDJSON, MediaType.TEXT_HTML)) {
        if (type.isWildcardType() || type.isWildcardSubtype() && !type.getType().equals(offered.getType())) {
          continue;
        }
        if (type.includes(offered)) {
          return offered;
        }
      }
    }
    return MediaType.APPLICATION_JSON;
  }
}
