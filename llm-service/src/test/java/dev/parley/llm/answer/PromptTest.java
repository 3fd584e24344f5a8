package dev.parley.llm.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ConversationMessage;
import dev.parley.events.CustomerContext;
import dev.parley.events.DealContext;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Entity;
import dev.parley.events.Intent;
import dev.parley.events.Role;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import dev.parley.llm.privacy.PiiMasker;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTest {

  @Test
  void shouldNeverGiveTheModelPersonalDataAndRestoreItInTheReply() {
    var masking = new PiiMasker("US").newMasking();
    EnrichedTurn turn = turn("Text me at (512) 555-0142 or mail maria@example.com",
        List.of(new ConversationMessage("e1", Role.USER, "my card is 4111 1111 1111 1111", Instant.now())));

    List<ChatMessage> messages = Prompt.messages(turn, List.of(), masking::mask, "You are Alex.");

    String all = messages.stream().map(PromptTest::text).reduce("", String::concat);
    assertThat(all).doesNotContain("555-0142").doesNotContain("maria@example.com").doesNotContain("4111")
        .contains("[PHONE_1]").contains("[EMAIL_1]").contains("[CARD_1]");
    assertThat(masking.restore("We will text [PHONE_1].")).isEqualTo("We will text (512) 555-0142.");
  }

  @Test
  void shouldGiveTenantPersonaStageRuleAndLanguageDirective() {
    EnrichedTurn turn = turn("¿Cuánto cuesta?", List.of());
    turn.setSalesStage("quoting");
    turn.setLanguage("es");

    String system = ((SystemMessage) Prompt.messages(turn, List.of(), text -> text, "You are Alex, the assistant of Acme Motors.").get(0)).text();

    assertThat(system).startsWith("You are Alex, the assistant of Acme Motors.")
        .contains("Sales stage quoting: Give exact figures from the tools")
        .contains("Reply in Spanish, the customer's language.");
  }

  @Test
  void shouldTellTheModelToAskWhatTheCustomerNeedsOnlyWhenTheIntentIsUnclear() {
    EnrichedTurn clear = turn("What is the APR?", List.of());
    EnrichedTurn unclear = turn("hmm", List.of());
    unclear.setIntent(new Intent("other", 0.3));

    String forClear = ((SystemMessage) Prompt.messages(clear, List.of()).get(0)).text();
    String forUnclear = ((SystemMessage) Prompt.messages(unclear, List.of()).get(0)).text();

    assertThat(Prompt.asksForClarification(clear)).isFalse();
    assertThat(forClear).doesNotContain(Prompt.CLARIFY);
    assertThat(Prompt.asksForClarification(unclear)).isTrue();
    assertThat(forUnclear).contains(Prompt.CLARIFY);
  }

  @Test
  void shouldPutDealCrmAndTurnNumbersOnTheFactsLineWithTheTurnWinning() {
    EnrichedTurn turn = turn("I'm in Florida now, trade-in is 9000", List.of());
    turn.setAnalysis(new TurnAnalysis("en", List.of(new Entity("us_state", "Florida", "FL"),
        new Entity("trade_in", "trade-in is 9000", "9000")), 0.0, 0));

    assertThat(Prompt.facts(turn)).containsEntry("state", "FL").containsEntry("price", "32500")
        .containsEntry("trade_in", "9000").containsEntry("down_payment", "3000").containsEntry("credit_score", "712");
  }

  private static EnrichedTurn turn(String text, List<ConversationMessage> history) {
    UserTurn userTurn = UserTurn.newBuilder().setEventId("t1").setTenantId("acme-motors").setConversationId("c1")
        .setMessageIds(List.of("m1")).setUserId("u1").setText(text).setChannel(ChannelInfo.newBuilder().build())
        .setFirstReceivedAt(Instant.now()).setCreatedAt(Instant.now()).build();
    return EnrichedTurn.newBuilder().setEventId("t1").setTenantId("acme-motors").setConversationId("c1").setTurn(userTurn)
        .setHistory(history).setIntent(new Intent("pricing_tax", 0.9))
        .setCustomer(new CustomerContext("c-1", "Maria Lopez", "first-time buyer", 712, "TX"))
        .setDeal(DealContext.newBuilder().setDealId("d-1").setStage("negotiation").setPrice(new BigDecimal("32500.00"))
            .setDownPayment(new BigDecimal("3000.00")).setTradeInValue(new BigDecimal("8000.00")).build())
        .setCreatedAt(Instant.now()).build();
  }

  private static String text(ChatMessage message) {
    if (message instanceof SystemMessage system) {
      return system.text();
    }
    if (message instanceof UserMessage user) {
      return user.singleText();
    }
    return ((AiMessage) message).text();
  }
}
