package dev.parley.ingress.analysis;

import dev.parley.ingress.validation.CleanText;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /ai/analyze-intent}: intent with confidence, entities, language, sentiment,
 * frustration and suggested actions for a message, computed by context-service the way it reads a
 * turn, without recording anything.
 */
@RestController
class AnalyzeController {

  /** Body: the message to analyse. */
  record AnalyzeRequest(
      @NotBlank(message = "message is required and must not be blank")
      @Size(max = 4000, message = "message must be at most {max} characters")
      @CleanText(message = "message must not contain control characters or invalid Unicode") String message) {
  }

  private final ContextClient context;

  AnalyzeController(ContextClient context) {
    this.context = context;
  }

  @PostMapping(path = "/ai/analyze-intent", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<JsonNode> analyze(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody AnalyzeRequest request) {
    return context.analyze(Caller.of(jwt).tenantId(), request);
  }
}
