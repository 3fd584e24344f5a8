package dev.parley.llm.products;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.parley.reference.Product;
import io.r2dbc.spi.ConnectionFactories;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/** The product catalog on real PostgreSQL with pgvector and the real MiniLM embeddings. */
class ProductCatalogIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ProductCatalog catalog;
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void connect() {
    DatabaseClient db = DatabaseClient.create(ConnectionFactories.get(System.getenv().getOrDefault("PARLEY_TEST_DB_URL",
        "r2dbc:postgresql://parley_llm:parley_llm@127.0.0.1:5432/parley_test")));
    db.sql("CREATE EXTENSION IF NOT EXISTS vector").then().block(WAIT);
    ProductCatalog.createSchema(db, 384).block(WAIT);
    catalog = new ProductCatalog(db, new AllMiniLmL6V2QuantizedEmbeddingModel());
  }

  @BeforeEach
  void stock() {
    add("rav4", "2024 Toyota RAV4 XLE", "SUV", "XLE", "32500", 3, "Main lot");
    add("rav4h", "2024 Toyota RAV4 Hybrid XSE", "SUV", "XSE", "38900", 1, "Main lot");
    add("crv", "2024 Honda CR-V EX", "SUV", "EX", "34200", 0, "Arriving next week");
    add("tucson", "2023 Hyundai Tucson SE", "SUV", "SE", "27500", 2, "Pre-owned lot");
    add("rav4le", "2025 Toyota RAV4 Limited", "SUV", "Limited", "36400", 2, "North lot");
    add("f150", "2025 Ford F-150 XLT", "truck", "XLT", "48900", 2, "North lot");
    add("civic", "2022 Honda Civic LX", "sedan", "LX", "21400", 1, "Pre-owned lot");
  }

  @Test
  void shouldCombineStructuredFiltersWithSemanticRanking() {
    var suvsUnder35k = catalog.search(tenant, "family SUV", new ProductCatalog.Filters(null, new BigDecimal("35000"), "suv", null, null, false), 10);
    assertThat(suvsUnder35k).extracting(ProductCatalog.Item::productId).containsExactlyInAnyOrder("rav4", "crv", "tucson");

    var inStock = catalog.search(tenant, "family SUV", new ProductCatalog.Filters(null, new BigDecimal("35000"), "SUV", null, null, true), 10);
    assertThat(inStock).extracting(ProductCatalog.Item::productId).doesNotContain("crv");

    var truck = catalog.search(tenant, "pickup truck for towing", ProductCatalog.Filters.NONE, 1);
    assertThat(truck).extracting(ProductCatalog.Item::productId).containsExactly("f150");
  }

  @Test
  void shouldProposeCheaperAndBetterValueAlternativesInStock() {
    var alternatives = catalog.alternatives(tenant, "2024 Toyota RAV4 XLE").orElseThrow();

    // 32,500: cheaper is 26,000–29,250 (Tucson 27,500); better value is 35,750–37,375 (RAV4 Limited 36,400)
    assertThat(alternatives.cheaper()).extracting(ProductCatalog.Item::productId).containsExactly("tucson");
    assertThat(alternatives.betterValue()).extracting(ProductCatalog.Item::productId).containsExactly("rav4le");
  }

  @Test
  void shouldFindStockByNameOrIdAndNeverAcrossTenants() {
    assertThat(catalog.find(tenant, "rav4h").orElseThrow().stock()).isEqualTo(1);
    assertThat(catalog.find(tenant, "2024 honda cr-v ex").orElseThrow().stock()).isZero();
    assertThat(catalog.find("other-" + tenant, "rav4")).isEmpty();
    assertThat(catalog.search("other-" + tenant, "SUV", ProductCatalog.Filters.NONE, 10)).isEmpty();
  }

  @Test
  void shouldKeepNewestVersionOfProduct() {
    Instant later = Instant.now().plusSeconds(60);
    catalog.upsert(product("rav4", "2024 Toyota RAV4 XLE", "SUV", "XLE", "31900", 2, "Main lot", later)).block(WAIT);
    catalog.upsert(product("rav4", "2024 Toyota RAV4 XLE", "SUV", "XLE", "99999", 9, "Main lot", later.minusSeconds(600))).block(WAIT);

    var rav4 = catalog.find(tenant, "rav4").orElseThrow();
    assertThat(rav4.price()).isEqualByComparingTo("31900");
    assertThat(rav4.stock()).isEqualTo(2);
  }

  private void add(String id, String name, String category, String trim, String price, int stock, String location) {
    catalog.upsert(product(id, name, category, trim, price, stock, location, Instant.now())).block(WAIT);
  }

  private Product product(String id, String name, String category, String trim, String price, int stock, String location,
      Instant updated) {
    return Product.newBuilder().setTenantId(tenant).setProductId(id).setName(name).setCategory(category)
        .setConfiguration(trim).setPrice(new BigDecimal(price)).setStock(stock).setLocation(location).setUpdatedAt(updated).build();
  }
}
