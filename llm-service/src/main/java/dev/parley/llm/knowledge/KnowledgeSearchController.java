package dev.parley.llm.knowledge;

import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Knowledge-base search for ingress-service's {@code POST /ai/knowledge-base/search}. Internal
 * API: it trusts the tenant in the path.
 */
@RestController
class KnowledgeSearchController {

  record Filters(String category, List<String> tags, Instant from, Instant to) {
  }

  record SearchRequest(String query, Filters filters, Integer limit) {
  }

  record Result(String documentId, String title, String category, List<String> tags, String source, String content,
      double relevance, double fusedScore, Instant updatedAt) {
  }

  record Response(List<Result> results, long total, long searchTimeMs) {
  }

  private final KnowledgeService knowledge;

  KnowledgeSearchController(KnowledgeService knowledge) {
    this.knowledge = knowledge;
  }

  @PostMapping("/internal/tenants/{tenantId}/knowledge/search")
  Mono<Response> search(@PathVariable String tenantId, @RequestBody SearchRequest request) {
    if (request.query() == null || request.query().isBlank()) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "query is required"));
    }
    Filters f = request.filters() == null ? new Filters(null, List.of(), null, null) : request.filters();
    int limit = request.limit() == null ? 10 : Math.max(1, Math.min(50, request.limit()));
    return knowledge.search(tenantId, request.query(), new SearchFilters(f.category(), f.tags(), f.from(), f.to()), limit)
        .map(found -> new Response(found.hits().stream().map(hit -> new Result(hit.passage().documentId(),
                hit.passage().title(), hit.passage().category(), hit.tags(), hit.source(), hit.passage().text(),
                hit.similarity(), hit.fusedScore(), hit.updatedAt())).toList(),
            found.total(), found.tookMs()));
  }
}
