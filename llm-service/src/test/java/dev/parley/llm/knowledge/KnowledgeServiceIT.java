package dev.parley.llm.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.parley.reference.KnowledgeDocument;
import io.r2dbc.spi.ConnectionFactories;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The knowledge base on real PostgreSQL with pgvector (prepared by devstack/postgres/setup.sh)
 * and the real in-process MiniLM embeddings.
 */
class KnowledgeServiceIT {

  static final String DB_URL = System.getenv().getOrDefault("PARLEY_TEST_DB_URL",
      "r2dbc:postgresql://parley_llm:parley_llm@127.0.0.1:5432/parley_test");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KnowledgeService knowledge;

  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private final Instant now = Instant.now();

  @BeforeAll
  static void connect() {
    var connections = ConnectionFactories.get(DB_URL);
    DatabaseClient db = DatabaseClient.create(connections);
    KnowledgeSchema.create(db, 384).block(WAIT);
    knowledge = new KnowledgeService(new KnowledgeStore(db, TransactionalOperator.create(new R2dbcTransactionManager(connections))),
        new AllMiniLmL6V2QuantizedEmbeddingModel(), 600, 100);
  }

  @Test
  void shouldRankMostRelevantPassageFirstWithScoreTotalAndTime() {
    ingest(doc("tax", "Sales tax", "tax", List.of("texas"), now,
        "In Texas the motor vehicle sales tax is 6.25% of the sales price. The trade-in value is deducted before tax."));
    ingest(doc("hours", "Opening hours", "dealership", List.of(), now,
        "The showroom is open Monday to Saturday from 9 am to 7 pm."));

    var found = knowledge.search(tenant, "how much tax do I pay on a car in Texas", SearchFilters.NONE, 5).block(WAIT);

    assertThat(found.hits()).isNotEmpty();
    assertThat(found.hits().get(0).passage().documentId()).isEqualTo("tax");
    assertThat(found.hits().get(0).similarity()).isBetween(0.0, 1.0).isGreaterThan(found.hits().get(found.hits().size() - 1).similarity() - 1e-9);
    assertThat(found.total()).isGreaterThanOrEqualTo(found.hits().size());
    assertThat(found.tookMs()).isNotNegative();
  }

  @Test
  void shouldApplyCategoryTagAndDateFilters() {
    ingest(doc("fin-old", "Financing 2024", "financing", List.of("apr"), now.minus(Duration.ofDays(400)), "APR for good credit was 4.9% APR."));
    ingest(doc("fin-new", "Financing 2026", "financing", List.of("apr", "credit"), now, "APR for good credit is 5.9% APR."));
    ingest(doc("obj", "Objections", "objections", List.of("price"), now, "When the APR seems high, compare the total interest."));

    assertThat(ids(new SearchFilters("financing", List.of(), null, null))).containsOnly("fin-old", "fin-new");
    assertThat(ids(new SearchFilters(null, List.of("credit"), null, null))).containsOnly("fin-new");
    assertThat(ids(new SearchFilters(null, List.of(), now.minus(Duration.ofDays(30)), null))).containsOnly("fin-new", "obj");
    assertThat(ids(new SearchFilters(null, List.of(), null, now.minus(Duration.ofDays(30))))).containsOnly("fin-old");
  }

  @Test
  void shouldNeverReturnAnotherTenantsDocumentsWhateverTheQuery() {
    String other = "t-" + UUID.randomUUID().toString().substring(0, 8);
    knowledge.ingest(KnowledgeDocument.newBuilder().setTenantId(other).setDocumentId("secret").setTitle("Secret margins")
        .setText("Our secret dealer margin on the RAV4 is 9 percent.").setUpdatedAt(now).build()).block(WAIT);
    ingest(doc("public", "Prices", "pricing", List.of(), now, "The RAV4 XLE lists at 32,500 dollars."));

    var found = knowledge.search(tenant, "secret dealer margin on the RAV4", SearchFilters.NONE, 10).block(WAIT);

    assertThat(found.hits()).extracting(h -> h.passage().documentId()).containsOnly("public");
  }

  @Test
  void shouldReplaceChunksWhenDocumentIsSentAgainAndIgnoreOlderVersion() {
    ingest(doc("hours", "Hours", null, List.of(), now, "We open at 9 am on weekdays."));
    ingest(doc("hours", "Hours", null, List.of(), now.plusSeconds(60), "We open at 8 am on weekdays."));
    boolean stale = knowledge.ingest(doc("hours", "Hours", null, List.of(), now.minusSeconds(60), "We open at 10 am.")).block(WAIT);

    var found = knowledge.search(tenant, "when do you open", SearchFilters.NONE, 10).block(WAIT);

    assertThat(stale).isFalse();
    assertThat(found.hits()).singleElement().satisfies(hit -> assertThat(hit.passage().text()).contains("8 am"));
  }

  @Test
  void shouldSplitLongDocumentIntoOverlappingChunks() {
    String paragraph = "Financing terms run from 24 to 84 months and the APR depends on the credit score. ";
    var chunks = knowledge.chunks(doc("long", "Long", null, List.of(), now, paragraph.repeat(30)));

    assertThat(chunks).hasSizeGreaterThan(3);
    assertThat(chunks).allSatisfy(chunk -> {
      assertThat(chunk.content().length()).isLessThanOrEqualTo(600);
      assertThat(chunk.embedding()).hasSize(384);
    });
  }

  private List<String> ids(SearchFilters filters) {
    return knowledge.search(tenant, "APR for good credit", filters, 10).block(WAIT).hits().stream()
        .map(h -> h.passage().documentId()).toList();
  }

  private void ingest(KnowledgeDocument document) {
    knowledge.ingest(document).block(WAIT);
  }

  private KnowledgeDocument doc(String id, String title, String category, List<String> tags, Instant updated, String text) {
    return KnowledgeDocument.newBuilder().setTenantId(tenant).setDocumentId(id).setTitle(title).setCategory(category)
        .setTags(tags).setText(text).setUpdatedAt(updated).build();
  }
}
