package dev.parley.context.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.context.director.ConversationDirector;
import dev.parley.context.intelligence.Catalog;
import dev.parley.context.intelligence.TurnAnalyzer;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationEventType;
import dev.parley.events.ConversationState;
import dev.parley.events.ConversationStatus;
import dev.parley.events.CustomerProfile;
import dev.parley.events.Role;
import dev.parley.events.SalesStage;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A customer's turn folded into its conversation: who may write, what the state and the enriched turn hold. */
class TurnRulesTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final TurnRules rules = new TurnRules(new TurnAnalyzer(), new ConversationDirector(ConversationDirector.standardRules()),
      new RecentMessages(20), 2);
  private final TurnRules.Lookups nothing = new TurnRules.Lookups() {
    @Override
    public Catalog catalog(String tenantId) {
      return Catalog.of(Collections.emptyIterator());
    }

    @Override
    public CustomerProfile profile(String profileKey) {
      return null;
    }
  };

  @Test
  void shouldStartAConversationWithItsFirstTurnAndSendTheTurnOnEnriched() {
    var update = rules.onTurn(null, turn("u-1", "What financing options do you have?"), NOW, nothing);

    ConversationState state = update.state();
    assertThat(state.getUserId()).isEqualTo("u-1");
    assertThat(state.getStatus()).isEqualTo(ConversationStatus.ACTIVE);
    assertThat(state.getStage()).isEqualTo(SalesStage.GREETING);
    assertThat(state.getTurnCount()).isEqualTo(1);
    assertThat(state.getRecentMessages()).singleElement().extracting(m -> m.getRole()).isEqualTo(Role.USER);
    assertThat(update.enrichedTurn().getIntent().getName()).isEqualTo("financing");
    assertThat(update.enrichedTurn().getHistory()).as("nothing before the first turn").isEmpty();
  }

  @Test
  void shouldGiveTheModelOnlyTheLastMessagesBeforeTheTurn() {
    ConversationState state = null;
    for (String text : List.of("hello", "is the RAV4 in stock?", "what colours?")) {
      state = rules.onTurn(state, turn("u-1", text), NOW, nothing).state();
    }

    var update = rules.onTurn(state, turn("u-1", "and the price?"), NOW, nothing);

    assertThat(update.enrichedTurn().getHistory()).extracting(m -> m.getText()).containsExactly("is the RAV4 in stock?", "what colours?");
  }

  @Test
  void shouldRefuseATurnOfSomeoneWhoDidNotStartTheConversation() {
    ConversationState state = rules.onTurn(null, turn("u-1", "hello"), NOW, nothing).state();

    var refused = rules.onTurn(state, turn("u-2", "hello"), NOW, nothing);

    assertThat(refused.state()).isNull();
    assertThat(refused.enrichedTurn()).isNull();
    assertThat(refused.error().getCode()).isEqualTo("NOT_CONVERSATION_OWNER");
  }

  @Test
  void shouldRecordATurnForThePersonWhoHasTheConversationAndNotAskTheModel() {
    ConversationState escalated = ConversationState.newBuilder(rules.onTurn(null, turn("u-1", "hello"), NOW, nothing).state())
        .setStatus(ConversationStatus.ESCALATED).build();

    var update = rules.onTurn(escalated, turn("u-1", "are you there?"), NOW, nothing);

    assertThat(update.enrichedTurn()).isNull();
    assertThat(update.state().getTurnCount()).isEqualTo(2);
    assertThat(update.events()).singleElement().satisfies(event -> {
      assertThat(event.getType()).isEqualTo(ConversationEventType.MESSAGE_FOR_AGENT);
      assertThat(event.getText()).isEqualTo("are you there?");
    });
  }

  @Test
  void shouldBuildFrustrationUpOverNegativeTurnsAndLetItCalmDown() {
    TurnAnalysis negative = TurnAnalysis.newBuilder().setLanguage("en").setEntities(List.of()).setSentiment(-0.6).setFrustration(1).build();
    TurnAnalysis calm = TurnAnalysis.newBuilder(negative).setSentiment(0.2).setFrustration(0).build();

    assertThat(TurnRules.frustration(3, negative)).isEqualTo(4);
    assertThat(TurnRules.frustration(4, calm)).isEqualTo(2);
    assertThat(TurnRules.frustration(10, negative)).as("at most 10").isEqualTo(10);
  }

  private static ConversationInput.Turn turn(String user, String text) {
    String id = UUID.randomUUID().toString();
    return new ConversationInput.Turn(UserTurn.newBuilder().setEventId(id).setTenantId("acme-motors").setConversationId("c-1")
        .setMessageIds(List.of(id)).setUserId(user).setText(text).setChannel(ChannelInfo.newBuilder().setType(ChannelType.WEB).build())
        .setFirstReceivedAt(NOW).setCreatedAt(NOW).build(), null, null, null, null);
  }
}
