package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Documents added over HTTP travel through Kafka into the tenant's pgvector knowledge base. */
class KnowledgeBaseIT {

  @Test
  void shouldIndexPostedDocumentAndFindItWithFiltersButNeverForAnotherTenant() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(SampleData.TENANT, "content-manager", Duration.ofHours(1)));
    String marker = "zq" + UUID.randomUUID().toString().substring(0, 6);
    var added = client.post("/ai/knowledge-base/documents", """
        {"title":"Winter tire package %s","category":"accessories","tags":["winter","tires"],"source":"service desk",
         "text":"The winter tire package %s costs 1,200 dollars installed, including four studless tires and balancing."}
        """.formatted(marker, marker));
    assertThat(added.status()).as(added.body()).isEqualTo(202);
    String documentId = added.json().get("documentId").asString();

    JsonNode found = pollSearch(client, "{\"query\":\"winter tire package " + marker + " price\",\"limit\":5}",
        body -> body.get("results").toString().contains(documentId));
    JsonNode top = found.get("results").get(0);
    assertThat(top.get("documentId").asString()).isEqualTo(documentId);
    assertThat(top.get("relevance").asDouble()).isBetween(0.0, 1.0);
    assertThat(found.get("total").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(found.get("searchTimeMs").asLong()).isNotNegative();

    JsonNode filtered = client.post("/ai/knowledge-base/search",
        "{\"query\":\"winter tire package " + marker + "\",\"filters\":{\"category\":\"financing\"}}").json();
    assertThat(filtered.get("results").toString()).doesNotContain(documentId);
    JsonNode tagged = client.post("/ai/knowledge-base/search",
        "{\"query\":\"winter tire package " + marker + "\",\"filters\":{\"tags\":[\"tires\"]}}").json();
    assertThat(tagged.get("results").get(0).get("documentId").asString()).isEqualTo(documentId);

    var otherTenant = new Client(stack.ingressUrl(), stack.tokens().mint("other-dealer", "snoop", Duration.ofHours(1)));
    assertThat(otherTenant.post("/ai/knowledge-base/search", "{\"query\":\"winter tire package " + marker + "\"}").json()
        .get("results").toString()).doesNotContain(documentId);
  }

  @Test
  void shouldRejectInvalidDocumentsAndSearches() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(SampleData.TENANT, "content-manager", Duration.ofHours(1)));

    for (String[] bad : new String[][] {
        {"/ai/knowledge-base/documents", "{\"title\":\"no text\"}"},
        {"/ai/knowledge-base/documents", "{\"text\":\"no title\"}"},
        {"/ai/knowledge-base/search", "{\"query\":\"\"}"},
        {"/ai/knowledge-base/search", "{\"query\":\"x\",\"limit\":500}"}}) {
      var response = client.post(bad[0], bad[1]);
      assertThat(response.status()).as(bad[1]).isEqualTo(400);
      assertThat(response.isProblem()).isTrue();
    }
  }

  private static JsonNode pollSearch(Client client, String body, java.util.function.Predicate<JsonNode> ready) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      var response = client.post("/ai/knowledge-base/search", body);
      last = response.status() + " " + response.body();
      if (response.status() == 200 && ready.test(response.json())) {
        return response.json();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("not found in time: " + last);
  }
}
