package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /ai/analyze-intent reads a message the way a turn is read, against the tenant's inventory. */
class AnalyzeIntentIT {

  @Test
  void shouldReturnIntentEntitiesAndSuggestedActions() {
    var response = client().post("/ai/analyze-intent", "{\"message\":\"What APR would I get on the rav 4 for 60 months? I can do $3,000 down, I'm in Texas\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.get("intent").asString()).isEqualTo("financing");
    assertThat(body.get("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(body.get("language").asString()).isEqualTo("en");
    List<String> entities = new ArrayList<>();
    body.get("entities").forEach(e -> entities.add(e.get("type").asString() + "=" + e.get("value").asString()));
    assertThat(entities).contains("product=2024 Toyota RAV4 XLE", "term_months=60", "down_payment=3000", "us_state=TX");
    assertThat(body.get("suggestedActions")).isNotEmpty();
  }

  @Test
  void shouldRejectBlankMessage() {
    var response = client().post("/ai/analyze-intent", "{\"message\":\" \"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.isProblem()).isTrue();
  }

  private static Client client() {
    var stack = Pipeline.stack();
    return new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "analyst", Duration.ofHours(1)));
  }
}
