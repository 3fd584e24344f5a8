package dev.parley.llm.knowledge;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The knowledge base's tables, created by the service on start (idempotent). One row per chunk,
 * with its embedding under an HNSW cosine index and a generated full-text vector for the lexical
 * half of the hybrid ranking.
 */
public final class KnowledgeSchema {

  private KnowledgeSchema() {
  }

  static List<String> statements(int dimensions) {
    return List.of(
        "CREATE EXTENSION IF NOT EXISTS vector",
        """
        CREATE TABLE IF NOT EXISTS knowledge_chunks (
          tenant_id text NOT NULL,
          document_id text NOT NULL,
          chunk_index int NOT NULL,
          title text NOT NULL,
          category text,
          tags text[] NOT NULL DEFAULT '{}',
          source text,
          content text NOT NULL,
          embedding vector(%d) NOT NULL,
          document_updated_at timestamptz NOT NULL,
          indexed_at timestamptz NOT NULL DEFAULT now(),
          tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || content)) STORED,
          PRIMARY KEY (tenant_id, document_id, chunk_index))""".formatted(dimensions),
        "CREATE INDEX IF NOT EXISTS knowledge_chunks_embedding ON knowledge_chunks USING hnsw (embedding vector_cosine_ops)",
        "CREATE INDEX IF NOT EXISTS knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv)",
        "CREATE INDEX IF NOT EXISTS knowledge_chunks_tenant ON knowledge_chunks (tenant_id, category, document_updated_at)");
  }

  /** Creates what is missing; safe to run at every start. */
  public static Mono<Void> create(DatabaseClient db, int dimensions) {
    return Flux.fromIterable(statements(dimensions)).concatMap(sql -> db.sql(sql).then()).then();
  }
}
