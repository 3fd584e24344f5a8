package dev.parley.llm.products;

import com.pgvector.PGvector;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.parley.reference.Product;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import dev.parley.llm.PostgresText;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tenant's products (vehicles, properties, plans) in PostgreSQL with pgvector: structured
 * fields for filtering (price, category, configuration, location, stock) and an embedding of the
 * description for ranking. Every query is scoped to one tenant.
 */
public final class ProductCatalog {

  /** A product as the tools see it. */
  public record Item(String productId, String name, String category, String configuration, BigDecimal price,
      String currency, String location, int stock, double relevance) {
  }

  /** Structured filters; null means any. */
  public record Filters(BigDecimal minPrice, BigDecimal maxPrice, String category, String configuration, String location,
      boolean inStockOnly) {
    public static final Filters NONE = new Filters(null, null, null, null, null, false);
  }

  /** Alternatives to a product: cheaper (10–20 % less) and better value (10–15 % more). */
  public record Alternatives(Item reference, List<Item> cheaper, List<Item> betterValue) {
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final DatabaseClient db;
  private final EmbeddingModel embeddings;

  public ProductCatalog(DatabaseClient db, EmbeddingModel embeddings) {
    this.db = db;
    this.embeddings = embeddings;
  }

  public static Mono<Void> createSchema(DatabaseClient db, int dimensions) {
    return Flux.just(
            """
            CREATE TABLE IF NOT EXISTS products (
              tenant_id text NOT NULL, product_id text NOT NULL, name text NOT NULL, category text, configuration text,
              price numeric(12,2) NOT NULL, currency text NOT NULL, location text, stock int NOT NULL, description text,
              embedding vector(%d) NOT NULL, updated_at timestamptz NOT NULL,
              PRIMARY KEY (tenant_id, product_id))""".formatted(dimensions),
            "CREATE INDEX IF NOT EXISTS products_embedding ON products USING hnsw (embedding vector_cosine_ops)",
            "CREATE INDEX IF NOT EXISTS products_filters ON products (tenant_id, category, price)")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  /** Adds or updates a product (the latest version from the inventory topic). */
  public Mono<Void> upsert(Product product) {
    String text = String.join(" ", product.getName(), nz(product.getCategory()), nz(product.getConfiguration()),
        nz(product.getLocation()), nz(product.getDescription()));
    return Mono.fromCallable(() -> embeddings.embed(text).content().vector()).subscribeOn(Schedulers.boundedElastic())
        .flatMap(vector -> {
          var spec = db.sql("""
                  INSERT INTO products (tenant_id, product_id, name, category, configuration, price, currency, location, stock,
                                        description, embedding, updated_at)
                  VALUES (:t, :p, :name, :category, :configuration, :price, :currency, :location, :stock, :description,
                          CAST(:embedding AS vector), :updated)
                  ON CONFLICT (tenant_id, product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
                    configuration = EXCLUDED.configuration, price = EXCLUDED.price, currency = EXCLUDED.currency,
                    location = EXCLUDED.location, stock = EXCLUDED.stock, description = EXCLUDED.description,
                    embedding = EXCLUDED.embedding, updated_at = EXCLUDED.updated_at
                  WHERE products.updated_at <= EXCLUDED.updated_at""")
              .bind("t", product.getTenantId()).bind("p", product.getProductId()).bind("name", PostgresText.of(product.getName()))
              .bind("price", product.getPrice()).bind("currency", product.getCurrency()).bind("stock", product.getStock())
              .bind("embedding", new PGvector(vector).toString())
              .bind("updated", OffsetDateTime.ofInstant(product.getUpdatedAt(), ZoneOffset.UTC));
          spec = bindOrNull(spec, "category", PostgresText.of(product.getCategory()));
          spec = bindOrNull(spec, "configuration", PostgresText.of(product.getConfiguration()));
          spec = bindOrNull(spec, "location", PostgresText.of(product.getLocation()));
          spec = bindOrNull(spec, "description", PostgresText.of(product.getDescription()));
          return spec.then();
        });
  }

  public Mono<Void> delete(String tenantId, String productId) {
    return db.sql("DELETE FROM products WHERE tenant_id = :t AND product_id = :p").bind("t", tenantId).bind("p", productId).then();
  }

  /** Products matching the filters, ranked by how close their description is to the query. */
  public List<Item> search(String tenantId, String text, Filters filters, int limit) {
    String query = PostgresText.of(text);
    float[] vector = embeddings.embed(query).content().vector();
    var spec = db.sql("""
            SELECT product_id, name, category, configuration, price, currency, location, stock,
                   1 - (embedding <=> CAST(:embedding AS vector)) AS relevance
            FROM products
            WHERE tenant_id = :t
              AND (CAST(:minPrice AS numeric) IS NULL OR price >= :minPrice)
              AND (CAST(:maxPrice AS numeric) IS NULL OR price <= :maxPrice)
              AND (CAST(:category AS text) IS NULL OR lower(category) = lower(:category))
              AND (CAST(:configuration AS text) IS NULL OR lower(configuration) = lower(:configuration))
              AND (CAST(:location AS text) IS NULL OR location ILIKE '%' || :location || '%')
              AND (NOT :inStock OR stock > 0)
            ORDER BY embedding <=> CAST(:embedding AS vector)
            LIMIT :limit""")
        .bind("t", tenantId).bind("embedding", new PGvector(vector).toString()).bind("inStock", filters.inStockOnly())
        .bind("limit", limit);
    spec = bindOrNull(spec, "minPrice", filters.minPrice());
    spec = bindOrNull(spec, "maxPrice", filters.maxPrice());
    spec = bindOrNull(spec, "category", filters.category());
    spec = bindOrNull(spec, "configuration", filters.configuration());
    spec = bindOrNull(spec, "location", filters.location());
    return spec.map(ProductCatalog::item).all().collectList().block(TIMEOUT);
  }

  /** The product whose id or name best matches (ids exactly, names by similarity). */
  public Optional<Item> find(String tenantId, String idOrName) {
    var exact = db.sql("SELECT product_id, name, category, configuration, price, currency, location, stock, 1.0 AS relevance "
            + "FROM products WHERE tenant_id = :t AND (product_id = :q OR lower(name) = lower(:q))")
        .bind("t", tenantId).bind("q", idOrName).map(ProductCatalog::item).all().next().block(TIMEOUT);
    if (exact != null) {
      return Optional.of(exact);
    }
    return search(tenantId, idOrName, Filters.NONE, 1).stream().filter(item -> item.relevance() >= 0.5).findFirst();
  }

  /** Cheaper (10–20 % less) and better-value (10–15 % more) products of the same category, in stock. */
  public Optional<Alternatives> alternatives(String tenantId, String idOrName) {
    return find(tenantId, idOrName).map(reference -> {
      BigDecimal price = reference.price();
      Filters cheaper = new Filters(scale(price, "0.80"), scale(price, "0.90"), reference.category(), null, null, true);
      Filters better = new Filters(scale(price, "1.10"), scale(price, "1.15"), reference.category(), null, null, true);
      String query = reference.name();
      return new Alternatives(reference, without(search(tenantId, query, cheaper, 3), reference),
          without(search(tenantId, query, better, 3), reference));
    });
  }

  private static List<Item> without(List<Item> items, Item reference) {
    return items.stream().filter(item -> !item.productId().equals(reference.productId())).toList();
  }

  private static BigDecimal scale(BigDecimal price, String factor) {
    return price.multiply(new BigDecimal(factor)).setScale(2, RoundingMode.HALF_UP);
  }

  private static Item item(io.r2dbc.spi.Readable row) {
    return new Item(row.get("product_id", String.class), row.get("name", String.class), row.get("category", String.class),
        row.get("configuration", String.class), row.get("price", BigDecimal.class), row.get("currency", String.class),
        row.get("location", String.class), row.get("stock", Integer.class),
        Math.round(((Number) row.get("relevance")).doubleValue() * 1000) / 1000.0);
  }

  private static DatabaseClient.GenericExecuteSpec bindOrNull(DatabaseClient.GenericExecuteSpec spec, String name, Object value) {
    return value == null ? spec.bindNull(name, value instanceof BigDecimal || name.endsWith("Price") ? BigDecimal.class : String.class)
        : spec.bind(name, value);
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }
}
