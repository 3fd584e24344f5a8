package dev.parley.llm.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.reference.KnowledgeDocument;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeIndexTest {

  private final KnowledgeIndex index = new KnowledgeIndex();

  @Test
  void shouldRankPassageSharingMostQueryWordsFirst() {
    index.put(document("acme", "tax", "Sales tax", "Texas charges 6.25% sales tax on vehicles.\n\nTitle fees are separate."));
    index.put(document("acme", "fin", "Financing", "Loans run from 24 to 84 months."));

    List<ScoredPassage> found = index.search("acme", "What is the sales tax in Texas?", 5);

    assertThat(found).isNotEmpty();
    assertThat(found.get(0).passage().text()).startsWith("Texas charges");
    assertThat(found).allSatisfy(p -> assertThat(p.score()).isBetween(0.0, 1.0));
    assertThat(found).extracting(p -> p.passage().documentId()).doesNotContain("fin");
  }

  @Test
  void shouldNeverReturnAnotherTenantsPassages() {
    index.put(document("acme", "tax", "Sales tax", "Texas sales tax is 6.25%."));
    index.put(document("globex", "tax", "Sales tax", "Texas sales tax secrets of globex."));

    assertThat(index.search("acme", "texas sales tax", 10)).extracting(p -> p.passage().text())
        .containsExactly("Texas sales tax is 6.25%.");
    assertThat(index.search("initech", "texas sales tax", 10)).isEmpty();
  }

  @Test
  void shouldReplaceAllPassagesOfDocumentWhenItIsSentAgain() {
    index.put(document("acme", "hours", "Hours", "Open until 7 pm.\n\nClosed on holidays."));
    index.put(document("acme", "hours", "Hours", "Open until 9 pm."));

    assertThat(index.search("acme", "open closed holidays pm", 10)).extracting(p -> p.passage().text())
        .containsExactly("Open until 9 pm.");
  }

  @Test
  void shouldForgetRemovedDocument() {
    index.put(document("acme", "hours", "Hours", "Open until 7 pm."));
    index.remove("acme", "hours");

    assertThat(index.search("acme", "open", 10)).isEmpty();
  }

  @Test
  void shouldMatchPluralAndSingularForms() {
    index.put(document("acme", "fin", "Financing", "Monthly payment estimates."));

    assertThat(index.search("acme", "payments", 10)).hasSize(1);
  }

  static KnowledgeDocument document(String tenant, String id, String title, String text) {
    return KnowledgeDocument.newBuilder().setTenantId(tenant).setDocumentId(id).setTitle(title).setCategory("test")
        .setText(text).setUpdatedAt(Instant.now()).build();
  }
}
