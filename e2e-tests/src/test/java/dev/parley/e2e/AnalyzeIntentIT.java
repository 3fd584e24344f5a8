package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /ai/analyze-intent reads a message the way a turn is read, against the tenant's inventory. */
class AnalyzeIntentIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldReturnIntentEntitiesAndSuggestedActions() throws Exception {
    var response = post("{\"message\":\"What APR would I get on the rav 4 for 60 months? I can do $3,000 down, I'm in Texas\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = Client.JSON.readTree(response.body());
    assertThat(body.get("intent").asString()).isEqualTo("financing");
    assertThat(body.get("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(body.get("language").asString()).isEqualTo("en");
    List<String> entities = new ArrayList<>();
    body.get("entities").forEach(e -> entities.add(e.get("type").asString() + "=" + e.get("value").asString()));
    assertThat(entities).contains("product=2024 Toyota RAV4 XLE", "term_months=60", "down_payment=3000", "us_state=TX");
    assertThat(body.get("suggestedActions")).isNotEmpty();
  }

  @Test
  void shouldRejectBlankMessage() throws Exception {
    var response = post("{\"message\":\" \"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
  }

  private static HttpResponse<String> post(String json) throws Exception {
    var stack = Pipeline.stack();
    String token = stack.tokens().mint(SampleData.TENANT, "analyst", Duration.ofHours(1));
    return HTTP.send(HttpRequest.newBuilder(URI.create(stack.ingressUrl() + "/ai/analyze-intent"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
