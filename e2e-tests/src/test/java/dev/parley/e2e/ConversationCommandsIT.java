package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.ConversationError;
import dev.parley.events.ConversationState;
import dev.parley.events.SalesStage;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Changes requested over REST travel as commands; context-service applies or refuses them. */
class ConversationCommandsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Client client;

  @BeforeAll
  static void start() {
    var stack = Pipeline.stack();
    client = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "sales-manager", Duration.ofHours(1)));
  }

  @Test
  void shouldApplyAllowedStageChangeAndRefuseDisallowedOneWithErrorEvent() {
    String conversation = "cmd-" + UUID.randomUUID();
    assertThat(client.chat("{\"message\":\"Hi, I need a new SUV\",\"conversationId\":\"" + conversation + "\"}").status()).isEqualTo(200);

    var applied = client.patch("/ai/conversations/" + conversation, "{\"stage\":\"qualifying\",\"customerName\":\"Dana Reyes\"}");
    assertThat(applied.status()).as(applied.body()).isEqualTo(202);
    assertThat(applied.json().get("applied").asBoolean()).as("context-service's verdict came at once").isTrue();
    List<ConversationState> states = TopicReader.read(Topics.CONVERSATIONS, s -> s.getConversationId().equals(conversation),
        found -> found.stream().anyMatch(s -> "Dana Reyes".equals(s.getCustomerName())), WAIT);
    ConversationState latest = states.get(states.size() - 1);
    assertThat(latest.getStage()).isEqualTo(SalesStage.QUALIFYING);
    assertThat(latest.getCustomerName()).isEqualTo("Dana Reyes");

    var refused = client.patch("/ai/conversations/" + conversation, "{\"stage\":\"closing\"}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.isProblem()).isTrue();
    assertThat(refused.json().get("code").asString()).isEqualTo("INVALID_STAGE_TRANSITION");
    assertThat(refused.json().get("detail").asString()).isEqualTo("cannot move from qualifying to closing; allowed: needs_analysis");
    assertThat(refused.json().get("allowed").toString()).isEqualTo("[\"needs_analysis\"]");
    String commandId = refused.json().get("commandId").asString();
    List<ConversationError> errors = TopicReader.read(Topics.CONVERSATION_ERRORS, e -> e.getCommandId().equals(commandId),
        found -> !found.isEmpty(), WAIT);
    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.getCode()).isEqualTo("INVALID_STAGE_TRANSITION");
      assertThat(error.getMessage()).contains("qualifying").contains("closing");
      assertThat(error.getAllowed()).containsExactly("needs_analysis");
    });
  }

  @Test
  void shouldAnswer404ForChangesToAConversationThatDoesNotExist() {
    var response = client.patch("/ai/conversations/nowhere-" + UUID.randomUUID(), "{\"customerName\":\"Nobody\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.isProblem()).isTrue();
  }

  @Test
  void shouldRejectInvalidPatchWithProblemDetails() {
    for (String body : List.of("{}", "{\"stage\":\"haggling\"}", "{\"status\":\"ASLEEP\"}")) {
      var response = client.patch("/ai/conversations/cmd-" + UUID.randomUUID(), body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.isProblem()).isTrue();
    }
  }
}
