package dev.parley.llm.knowledge;

import io.micrometer.core.instrument.MeterRegistry;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.parley.llm.ReferenceLoader;
import dev.parley.llm.products.ProductCatalog;
import dev.parley.reference.KnowledgeDocument;
import dev.parley.reference.Product;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import dev.parley.schemas.health.Workers;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;

/**
 * The knowledge base and the product catalog, each kept in step with its reference topic:
 * PostgreSQL with pgvector over R2DBC (Spring Boot's {@code spring.r2dbc.*},
 * set from PARLEY_DB_*), and the embedding model: in-process MiniLM (384 dimensions, offline) by
 * default, or any OpenAI-compatible embedding endpoint when {@code parley.embedding.base-url} is set.
 */
@Configuration
class KnowledgeConfiguration {

  @Bean
  EmbeddingModel embeddingModel(@Value("${parley.embedding.base-url:}") String baseUrl,
      @Value("${parley.embedding.api-key:}") String apiKey,
      @Value("${parley.embedding.model:text-embedding-3-small}") String model,
      @Value("${parley.embedding.dimensions:384}") int dimensions,
      @Value("${parley.embedding.cached-queries:20000}") long cachedQueries) {
    EmbeddingModel embeddings = baseUrl.isBlank()
        ? new WarmingEmbeddingModel(AllMiniLmL6V2QuantizedEmbeddingModel::new) // loads while the service starts
        : OpenAiEmbeddingModel.builder().baseUrl(baseUrl).apiKey(apiKey.isBlank() ? "none" : apiKey)
            .modelName(model).dimensions(dimensions).timeout(Duration.ofSeconds(30)).build();
    return new CachedQueryEmbeddings(embeddings, cachedQueries);
  }

  @Bean
  KnowledgeStore knowledgeStore(ConnectionFactory connections, @Value("${parley.embedding.dimensions:384}") int dimensions) {
    DatabaseClient db = DatabaseClient.create(connections);
    // Before anything reads or writes: the tables and indexes, created if missing.
    KnowledgeSchema.create(db, dimensions).block(Duration.ofSeconds(60));
    return new KnowledgeStore(db, TransactionalOperator.create(new R2dbcTransactionManager(connections)));
  }

  @Bean
  ProductCatalog productCatalog(ConnectionFactory connections, EmbeddingModel embeddings,
      @Value("${parley.embedding.dimensions:384}") int dimensions) {
    DatabaseClient db = DatabaseClient.create(connections);
    ProductCatalog.createSchema(db, dimensions).block(Duration.ofSeconds(60));
    return new ProductCatalog(db, embeddings);
  }

  @Bean
  ReferenceLoader<KnowledgeDocument> knowledgeLoader(KafkaProperties properties, AvroSerdes serdes, KnowledgeService knowledge,
      Workers workers, MeterRegistry meters) {
    return new ReferenceLoader<>("knowledge-loader", Topics.KNOWLEDGE_DOCUMENTS.name(), KnowledgeDocument.class,
        properties, serdes, knowledge::ingest, knowledge::delete, workers, meters);
  }

  @Bean
  ReferenceLoader<Product> inventoryLoader(KafkaProperties properties, AvroSerdes serdes, ProductCatalog products,
      Workers workers, MeterRegistry meters) {
    return new ReferenceLoader<>("inventory-loader", Topics.INVENTORY.name(), Product.class,
        properties, serdes, products::upsert, products::delete, workers, meters);
  }

  @Bean
  KnowledgeService knowledgeService(KnowledgeStore store, EmbeddingModel embeddings,
      @Value("${parley.knowledge.chunk-chars:800}") int chunkChars,
      @Value("${parley.knowledge.overlap-chars:150}") int overlapChars) {
    return new KnowledgeService(store, embeddings, chunkChars, overlapChars);
  }
}
