package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationState;
import dev.parley.events.SalesStage;
import dev.parley.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Changes requested over REST travel as commands; context-service applies or refuses them. */
class ConversationCommandsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Client client;
  private static String token;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    token = stack.tokens().mint(SampleData.TENANT, "sales-manager", Duration.ofHours(1));
    client = new Client(stack.ingressUrl(), token);
  }

  @Test
  void shouldApplyAllowedStageChangeAndRefuseDisallowedOneWithErrorEvent() throws Exception {
    String conversation = "cmd-" + UUID.randomUUID();
    assertThat(client.chat("{\"message\":\"Hi, I need a new SUV\",\"conversationId\":\"" + conversation + "\"}").status()).isEqualTo(200);

    assertThat(patch(conversation, "{\"stage\":\"qualifying\",\"customerName\":\"Dana Reyes\"}").statusCode()).isEqualTo(202);
    List<ConversationState> states = TopicReader.read(Topics.CONVERSATIONS, s -> s.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(s -> "Dana Reyes".equals(s.getCustomerName())), WAIT);
    ConversationState latest = states.get(states.size() - 1);
    assertThat(latest.getStage()).isEqualTo(SalesStage.QUALIFYING);
    assertThat(latest.getCustomerName()).isEqualTo("Dana Reyes");

    var refused = patch(conversation, "{\"stage\":\"closing\"}");
    assertThat(refused.statusCode()).isEqualTo(202);
    String commandId = Client.JSON.readTree(refused.body()).get("commandIds").get(0).asString();
    List<ConversationError> errors = TopicReader.read(Topics.CONVERSATION_ERRORS, e -> e.getCommandId().equals(commandId),
        found -> !found.isEmpty(), WAIT);
    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.getCode()).isEqualTo("INVALID_STAGE_TRANSITION");
      assertThat(error.getMessage()).contains("QUALIFYING").contains("CLOSING");
    });
  }

  @Test
  void shouldRejectInvalidPatchWithProblemDetails() throws Exception {
    for (String body : List.of("{}", "{\"stage\":\"haggling\"}", "{\"status\":\"ASLEEP\"}")) {
      var response = patch("cmd-" + UUID.randomUUID(), body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
  }

  private static HttpResponse<String> patch(String conversation, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + "/ai/conversations/" + conversation))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
