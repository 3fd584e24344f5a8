package dev.parley.llm.knowledge;

import dev.parley.llm.PostgresText;
import dev.langchain4j.data.document.Document;
import dev.parley.llm.PostgresText;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.parley.llm.PostgresText;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.parley.llm.PostgresText;
import dev.langchain4j.data.embedding.Embedding;
import dev.parley.llm.PostgresText;
import dev.langchain4j.data.segment.TextSegment;
import dev.parley.llm.PostgresText;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.parley.reference.KnowledgeDocument;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The knowledge base: documents are split into overlapping chunks, embedded (in-process MiniLM by
 * default), and stored per tenant; searches embed the query and run the hybrid search.
 *
 * <p>Embedding is CPU work that blocks, so it runs on {@code boundedElastic}, never on an event
 * loop.
 */
public final class KnowledgeService {

  /** A search's results and how long it took. */
  public record Found(List<KnowledgeStore.Hit> hits, long total, long tookMs) {
  }

  private final KnowledgeStore store;
  private final EmbeddingModel embeddings;
  private final DocumentSplitter splitter;

  public KnowledgeService(KnowledgeStore store, EmbeddingModel embeddings, int chunkChars, int overlapChars) {
    this.store = store;
    this.embeddings = embeddings;
    this.splitter = DocumentSplitters.recursive(chunkChars, overlapChars);
  }

  /**
   * Adds or replaces a document. A version no newer than the stored one is skipped, so re-reading
   * the compacted topic at start does not embed everything again.
   */
  public Mono<Boolean> ingest(KnowledgeDocument document) {
    return store.storedVersion(document.getTenantId(), document.getDocumentId())
        .map(stored -> stored.isBefore(document.getUpdatedAt()))
        .defaultIfEmpty(true)
        .flatMap(newer -> newer ? index(document).thenReturn(true) : Mono.just(false));
  }

  private Mono<Void> index(KnowledgeDocument document) {
    return Mono.fromCallable(() -> chunks(document)).subscribeOn(Schedulers.boundedElastic())
        .flatMap(chunks -> store.replace(new KnowledgeStore.DocumentMeta(document.getTenantId(), document.getDocumentId(),
            PostgresText.of(document.getTitle()), PostgresText.of(document.getCategory()),
            document.getTags().stream().map(PostgresText::of).toList(), PostgresText.of(document.getSource()),
            document.getUpdatedAt()), chunks));
  }

  List<KnowledgeStore.Chunk> chunks(KnowledgeDocument document) {
    List<TextSegment> segments = splitter.split(Document.from(PostgresText.of(document.getText())));
    List<Embedding> vectors = embeddings.embedAll(segments).content();
    List<KnowledgeStore.Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      chunks.add(new KnowledgeStore.Chunk(i, segments.get(i).text(), vectors.get(i).vector()));
    }
    return chunks;
  }

  public Mono<Void> delete(String tenantId, String documentId) {
    return store.delete(tenantId, documentId);
  }

  public Mono<Found> search(String tenantId, String text, SearchFilters filters, int limit) {
    long started = System.nanoTime();
    String query = PostgresText.of(text);
    return Mono.fromCallable(() -> embeddings.embed(query).content().vector()).subscribeOn(Schedulers.boundedElastic())
        .flatMap(vector -> store.search(tenantId, query, vector, filters, limit))
        .map(result -> new Found(result.hits(), result.total(), (System.nanoTime() - started) / 1_000_000));
  }
}
