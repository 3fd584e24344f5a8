package dev.parley.context.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.ChannelInfo;
import dev.parley.events.CustomerProfile;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Entity;
import dev.parley.events.Intent;
import dev.parley.events.TurnAnalysis;
import dev.parley.events.UserTurn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileProcessorTest {

  private static final String KEY = "acme-motors:c-1";

  @Test
  void shouldAccumulateDistinctMustHavesAcrossTurns() {
    CustomerProfile profile = ProfileProcessor.fold(null, KEY, turn("conv-1", "other", new Entity("must_have", "must have leather", "leather")));
    profile = ProfileProcessor.fold(profile, KEY, turn("conv-2", "other", new Entity("must_have", "must have a third row", "third row")));
    profile = ProfileProcessor.fold(profile, KEY, turn("conv-2", "other", new Entity("must_have", "must have leather", "leather")));

    assertThat(profile.getPreferences()).containsEntry("must_haves", "leather, third row");
    assertThat(profile.getSessionCount()).isEqualTo(2);
    assertThat(profile.getTurnCount()).isEqualTo(3);
  }

  @Test
  void shouldLetIntentToBuyCoolOffWhenBuyingSignalsStop() {
    CustomerProfile profile = ProfileProcessor.fold(null, KEY, turn("conv-1", "financing", new Entity("down_payment", "5k down", "5000")));
    int hot = profile.getIntentToBuyScore();
    for (int i = 0; i < 5; i++) {
      profile = ProfileProcessor.fold(profile, KEY, turn("conv-1", "other"));
    }

    assertThat(hot).isEqualTo(35);
    assertThat(profile.getIntentToBuyScore()).isLessThan(hot / 2);
  }

  private static EnrichedTurn turn(String conversation, String intent, Entity... entities) {
    UserTurn userTurn = UserTurn.newBuilder().setEventId("t-" + System.nanoTime()).setTenantId("acme-motors")
        .setConversationId(conversation).setMessageIds(List.of("m")).setUserId("u").setText("text")
        .setChannel(ChannelInfo.newBuilder().build()).setFirstReceivedAt(Instant.now()).setCreatedAt(Instant.now()).build();
    return EnrichedTurn.newBuilder().setEventId(userTurn.getEventId()).setTenantId("acme-motors").setConversationId(conversation)
        .setTurn(userTurn).setHistory(List.of()).setIntent(new Intent(intent, 0.9))
        .setAnalysis(new TurnAnalysis("en", List.of(entities), 0.0, 0)).setCreatedAt(Instant.now()).build();
  }
}
