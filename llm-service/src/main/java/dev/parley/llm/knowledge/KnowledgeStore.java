package dev.parley.llm.knowledge;

import com.pgvector.PGvector;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The tenant-scoped knowledge chunks in PostgreSQL with pgvector, over R2DBC. Every query has the
 * tenant in its WHERE clause: no query can reach another tenant's documents.
 */
public final class KnowledgeStore {

  /** A chunk to store, with its embedding. */
  public record Chunk(int index, String content, float[] embedding) {
  }

  /** A stored document's metadata. */
  public record DocumentMeta(String tenantId, String documentId, String title, String category, List<String> tags,
      String source, Instant updatedAt) {
  }

  /** A search hit: the chunk, its cosine similarity to the query, and the fused hybrid score it was ranked by. */
  public record Hit(Passage passage, double similarity, double fusedScore, List<String> tags, String source,
      Instant updatedAt) {
  }

  /** A page of hits and how many chunks matched in all. */
  public record Result(List<Hit> hits, long total) {
  }

  /** Reciprocal-rank-fusion constant: how much a lower rank still counts. */
  private static final int RRF_K = 60;

  private final DatabaseClient db;
  private final TransactionalOperator transactions;

  public KnowledgeStore(DatabaseClient db, TransactionalOperator transactions) {
    this.db = db;
    this.transactions = transactions;
  }

  /** When the stored version of a document was written, if it is stored. */
  public Mono<Instant> storedVersion(String tenantId, String documentId) {
    return db.sql("SELECT max(document_updated_at) AS v FROM knowledge_chunks WHERE tenant_id = :t AND document_id = :d")
        .bind("t", tenantId).bind("d", documentId)
        .map(row -> java.util.Optional.ofNullable(row.get("v", OffsetDateTime.class)))
        .one()
        .flatMap(v -> Mono.justOrEmpty(v.map(OffsetDateTime::toInstant)));
  }

  /** Replaces every chunk of a document, in one transaction: a re-sent document never mixes versions. */
  public Mono<Void> replace(DocumentMeta meta, List<Chunk> chunks) {
    Mono<Void> delete = db.sql("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND document_id = :d")
        .bind("t", meta.tenantId()).bind("d", meta.documentId()).then();
    Mono<Void> inserts = Flux.fromIterable(chunks).concatMap(chunk -> {
      var spec = db.sql("""
              INSERT INTO knowledge_chunks (tenant_id, document_id, chunk_index, title, category, tags, source, content,
                                            embedding, document_updated_at)
              VALUES (:t, :d, :i, :title, :category, :tags, :source, :content, CAST(:embedding AS vector), :updated)""")
          .bind("t", meta.tenantId()).bind("d", meta.documentId()).bind("i", chunk.index())
          .bind("title", meta.title())
          .bind("tags", meta.tags().toArray(String[]::new))
          .bind("content", chunk.content())
          .bind("embedding", new PGvector(chunk.embedding()).toString())
          .bind("updated", OffsetDateTime.ofInstant(meta.updatedAt(), ZoneOffset.UTC));
      spec = meta.category() == null ? spec.bindNull("category", String.class) : spec.bind("category", meta.category());
      spec = meta.source() == null ? spec.bindNull("source", String.class) : spec.bind("source", meta.source());
      return spec.then();
    }).then();
    return transactions.transactional(delete.then(inserts));
  }

  /** Removes a document. */
  public Mono<Void> delete(String tenantId, String documentId) {
    return db.sql("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND document_id = :d")
        .bind("t", tenantId).bind("d", documentId).then();
  }

  /**
   * Hybrid search: the nearest chunks by cosine distance and the best full-text matches, each
   * ranked, fused by reciprocal rank (so neither scale dominates), filtered by the tenant and the
   * structured filters in both halves.
   */
  public Mono<Result> search(String tenantId, String query, float[] embedding, SearchFilters filters, int limit) {
    int candidates = Math.max(50, limit * 5);
    String where = """
        tenant_id = :t
          AND (CAST(:category AS text) IS NULL OR category = :category)
          AND (cardinality(CAST(:tags AS text[])) = 0 OR tags && CAST(:tags AS text[]))
          AND (CAST(:from AS timestamptz) IS NULL OR document_updated_at >= :from)
          AND (CAST(:to AS timestamptz) IS NULL OR document_updated_at < :to)""";
    String sql = """
        WITH semantic AS (
          SELECT document_id, chunk_index, 1 - (embedding <=> CAST(:embedding AS vector)) AS similarity,
                 row_number() OVER (ORDER BY embedding <=> CAST(:embedding AS vector)) AS rank
          FROM knowledge_chunks WHERE %1$s
          ORDER BY embedding <=> CAST(:embedding AS vector) LIMIT :candidates),
        lexical AS (
          SELECT document_id, chunk_index, row_number() OVER (ORDER BY ts_rank_cd(tsv, q) DESC) AS rank
          FROM knowledge_chunks, websearch_to_tsquery('english', :query) q
          WHERE %1$s AND tsv @@ q
          ORDER BY ts_rank_cd(tsv, q) DESC LIMIT :candidates),
        fused AS (
          SELECT coalesce(s.document_id, l.document_id) AS document_id, coalesce(s.chunk_index, l.chunk_index) AS chunk_index,
                 coalesce(1.0 / (%2$d + s.rank), 0) + coalesce(1.0 / (%2$d + l.rank), 0) AS fused
          FROM semantic s FULL OUTER JOIN lexical l ON s.document_id = l.document_id AND s.chunk_index = l.chunk_index)
        SELECT c.document_id, c.chunk_index, c.title, c.category, c.tags, c.source, c.content, c.document_updated_at,
               1 - (c.embedding <=> CAST(:embedding AS vector)) AS similarity, f.fused, count(*) OVER () AS total
        FROM fused f JOIN knowledge_chunks c
          ON c.tenant_id = :t AND c.document_id = f.document_id AND c.chunk_index = f.chunk_index
        ORDER BY f.fused DESC, similarity DESC
        LIMIT :limit""".formatted(where, RRF_K);
    var spec = db.sql(sql)
        .bind("t", tenantId)
        .bind("query", query)
        .bind("embedding", new PGvector(embedding).toString())
        .bind("tags", filters.tags().toArray(String[]::new))
        .bind("candidates", candidates)
        .bind("limit", limit);
    spec = filters.category() == null ? spec.bindNull("category", String.class) : spec.bind("category", filters.category());
    spec = filters.from() == null ? spec.bindNull("from", OffsetDateTime.class)
        : spec.bind("from", OffsetDateTime.ofInstant(filters.from(), ZoneOffset.UTC));
    spec = filters.to() == null ? spec.bindNull("to", OffsetDateTime.class)
        : spec.bind("to", OffsetDateTime.ofInstant(filters.to(), ZoneOffset.UTC));
    return spec.map(row -> new Object[] {
            new Hit(new Passage(row.get("document_id", String.class), row.get("title", String.class),
                row.get("category", String.class), row.get("content", String.class)),
                round(row.get("similarity", Double.class)), row.get("fused", java.math.BigDecimal.class).doubleValue(),
                List.of(row.get("tags", String[].class)), row.get("source", String.class),
                row.get("document_updated_at", OffsetDateTime.class).toInstant()),
            row.get("total", Long.class)})
        .all()
        .collectList()
        .map(rows -> new Result(rows.stream().map(r -> (Hit) r[0]).toList(), rows.isEmpty() ? 0 : (Long) rows.get(0)[1]));
  }

  private static double round(Double value) {
    return value == null ? 0 : Math.round(value * 1000) / 1000.0;
  }
}
