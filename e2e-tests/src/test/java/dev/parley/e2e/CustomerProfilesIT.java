package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.EnrichedTurn;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Profiles follow a customer across conversations; a returning customer's turn says so; hot leads are listed. */
class CustomerProfilesIT {

  @Test
  void shouldBuildProfileAcrossConversationsAndListCustomerAmongHotLeads() {
    var stack = Pipeline.stack();
    String token = stack.tokens().mintAgent(SampleData.TENANT, "dealer-app", Duration.ofHours(1));
    var client = new Client(stack.ingressUrl(), token);
    String customer = "cust-" + UUID.randomUUID();

    client.chat("{\"message\":\"What APR for the rav 4 over 60 months with a 720 credit score?\",\"customerId\":\"" + customer + "\"}");
    client.chat("{\"message\":\"I can put $5,000 down. Can I book a test drive on Saturday?\",\"customerId\":\"" + customer + "\"}");
    JsonNode profile = client.poll("/ai/customers/" + customer + "/profile", p -> p.get("sessionCount").asInt() == 2);
    var returning = client.chat("{\"message\":\"Hello again\",\"customerId\":\"" + customer + "\"}");

    assertThat(profile.get("productsViewed").get(0).asString()).isEqualTo("2024 Toyota RAV4 XLE");
    assertThat(profile.get("preferences").get("down_payment").asString()).isEqualTo("5000");
    assertThat(profile.get("leadTemperature").asString()).isEqualTo("HOT");
    String messageId = returning.body().get("messageId").asString();
    EnrichedTurn turn = TopicReader.read(Topics.ENRICHED_TURNS, t -> t.getTurn().getMessageIds().contains(messageId),
        found -> !found.isEmpty(), Duration.ofSeconds(60)).get(0);
    assertThat(turn.getProfile()).as("a returning customer's turn carries their profile").isNotNull();
    assertThat(turn.getProfile().getProductsViewed()).contains("2024 Toyota RAV4 XLE");
    JsonNode leads = client.poll("/ai/leads?temperature=HOT", l -> l.get("items").toString().contains(customer));
    assertThat(leads.get("total").asInt()).isPositive();
    JsonNode hotConversations = client.poll("/ai/conversations?temperature=HOT&customer=" + customer, l -> l.get("total").asInt() == 3);
    assertThat(hotConversations.get("items").get(0).get("leadTemperature").asString()).isEqualTo("HOT");
    assertThat(client.get("/ai/conversations?temperature=COLD&customer=" + customer).json().get("total").asInt()).isZero();
  }

  @Test
  void shouldAnswer404ForUnknownCustomerAnd400ForBadTemperature() {
    var stack = Pipeline.stack();
    var client = new Client(stack.ingressUrl(), stack.tokens().mintAgent(SampleData.TENANT, "dealer-app", Duration.ofHours(1)));

    assertThat(client.get("/ai/customers/nobody-" + UUID.randomUUID() + "/profile").status()).isEqualTo(404);
    assertThat(client.get("/ai/leads?temperature=LUKEWARM").status()).isEqualTo(400);
  }
}
