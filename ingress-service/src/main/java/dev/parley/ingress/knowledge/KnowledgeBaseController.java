package dev.parley.ingress.knowledge;

import dev.parley.ingress.validation.CleanText;
import dev.parley.ingress.downstream.LlmClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.reference.KnowledgeDocument;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The tenant's knowledge base. {@code POST /ai/knowledge-base/documents} publishes the document on
 * the compacted knowledge topic — the topic is the source of truth, llm-service indexes it, and a
 * document sent again with the same id replaces the old one. {@code POST /ai/knowledge-base/search}
 * asks llm-service's hybrid search. Only the tenant's admins write the knowledge base: what is in it
 * reaches every customer's prompt. Everyone of the tenant may search it.
 */
@RestController
class KnowledgeBaseController {

  record DocumentRequest(
      @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "documentId must be 1 to 128 letters, digits or . _ : -") String documentId,
      @NotBlank(message = "title is required") @Size(max = 300, message = "title must be at most {max} characters")
      @CleanText(message = "title must not contain control characters or invalid Unicode") String title,
      @NotBlank(message = "text is required") @Size(max = 200_000, message = "text must be at most {max} characters")
      @CleanText(message = "text must not contain control characters or invalid Unicode") String text,
      @Size(max = 64, message = "category must be at most {max} characters")
      @CleanText(message = "category must not contain control characters or invalid Unicode") String category,
      @Size(max = 20, message = "at most {max} tags") List<@NotNull @Size(max = 64) @CleanText String> tags,
      @Size(max = 500, message = "source must be at most {max} characters")
      @CleanText(message = "source must not contain control characters or invalid Unicode") String source) {
  }

  record Accepted(String documentId) {
  }

  record Filters(@Size(max = 64) @CleanText String category, @Size(max = 20) List<@NotNull @Size(max = 64) @CleanText String> tags,
      Instant from, Instant to) {
  }

  record SearchRequest(
      @NotBlank(message = "query is required") @Size(max = 1000, message = "query must be at most {max} characters")
      @CleanText(message = "query must not contain control characters or invalid Unicode") String query,
      @Valid Filters filters,
      @Min(value = 1, message = "limit must be 1 to 50") @Max(value = 50, message = "limit must be 1 to 50") Integer limit) {
  }

  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final LlmClient llm;
  private final SecurityAudit audit;

  KnowledgeBaseController(KafkaTemplate<String, SpecificRecord> kafka, LlmClient llm, SecurityAudit audit) {
    this.kafka = kafka;
    this.llm = llm;
    this.audit = audit;
  }

  @PostMapping(path = "/ai/knowledge-base/documents", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Accepted>> add(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody DocumentRequest request) {
    Caller caller = Caller.of(jwt);
    String id = request.documentId() != null ? request.documentId() : UUID.randomUUID().toString();
    KnowledgeDocument document = KnowledgeDocument.newBuilder()
        .setTenantId(caller.tenantId())
        .setDocumentId(id)
        .setTitle(request.title().strip())
        .setCategory(request.category())
        .setTags(request.tags() == null ? List.of() : request.tags())
        .setSource(request.source())
        .setText(request.text())
        .setUpdatedAt(Instant.now())
        .build();
    return Mono.fromFuture(() -> kafka.send(Topics.KNOWLEDGE_DOCUMENTS.name(), Keys.of(caller.tenantId(), id), document))
        .doOnSuccess(sent -> audit.done(caller, "knowledge.write", "document " + id))
        .thenReturn(ResponseEntity.accepted().body(new Accepted(id)))
        .onErrorMap(e -> !(e instanceof ResponseStatusException),
            e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the document could not be accepted right now; retry", e));
  }

  @PostMapping(path = "/ai/knowledge-base/search", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<JsonNode> search(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody SearchRequest request) {
    return llm.searchKnowledge(Caller.of(jwt).tenantId(), request);
  }
}
