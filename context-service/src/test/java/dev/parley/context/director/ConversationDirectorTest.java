package dev.parley.context.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.events.Coaching;
import dev.parley.events.Entity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConversationDirectorTest {

  private final ConversationDirector director = new ConversationDirector(ConversationDirector.standardRules());

  @Test
  void shouldPlaceCustomerInBuyingStageFromWhatTheConversationShows() {
    assertThat(director.direct(situation("greeting", Set.of("greeting"), Map.of(), List.of(), 0, List.of(), "hi", List.of()))
        .buyingStage()).isEqualTo("awareness");
    assertThat(director.direct(situation("product_search", Set.of("product_search"), Map.of(), List.of("RAV4"), 0, List.of(),
        "do you have the rav4", List.of())).buyingStage()).isEqualTo("consideration");
    assertThat(director.direct(situation("financing", Set.of("product_search", "financing"), Map.of("down_payment", "3000"),
        List.of("RAV4"), 0, List.of(), "3000 down", List.of())).buyingStage()).isEqualTo("decision");
  }

  @Test
  void shouldOfferTestDriveAfterSeveralProductViews() {
    var direction = director.direct(situation("product_search", Set.of("product_search"), Map.of(), List.of("RAV4", "CR-V"), 0,
        List.of(), "and the cr-v?", List.of()));

    assertThat(direction.coaching()).extracting(Coaching::getRuleId).contains("offer-test-drive");
  }

  @Test
  void shouldOfferHumanWhenFrustrationReachesSeven() {
    assertThat(ids(director.direct(situation("other", Set.of("other"), Map.of(), List.of(), 6, List.of(), "hm", List.of()))))
        .doesNotContain("offer-human");
    assertThat(ids(director.direct(situation("other", Set.of("other"), Map.of(), List.of(), 7, List.of(), "ugh", List.of()))))
        .contains("offer-human");
  }

  @Test
  void shouldMentionLowStockWithProductAndCount() {
    var direction = director.direct(situation("product_search", Set.of("product_search"), Map.of(), List.of("2024 Toyota RAV4 Hybrid XSE"), 0,
        List.of(new Entity("product", "rav4 hybrid", "2024 Toyota RAV4 Hybrid XSE")), "rav4 hybrid?", List.of()));

    assertThat(direction.coaching()).extracting(Coaching::getPrompt)
        .contains("Only 1 left of the 2024 Toyota RAV4 Hybrid XSE: mention it honestly, without pressure.");
  }

  @Test
  void shouldShowEachRuleAtMostOncePerConversation() {
    var direction = director.direct(situation("objection", Set.of("objection"), Map.of(), List.of(), 8, List.of(), "too expensive",
        List.of("handle-objection", "offer-human")));

    assertThat(ids(direction)).doesNotContain("handle-objection", "offer-human");
  }

  @Test
  void shouldRefuseRuleWithUnknownCondition() {
    var broken = new ConversationDirector(List.of(new CoachingRule("x", "moon_phase", "full", "howl")));

    assertThatThrownBy(() -> broken.direct(situation("other", Set.of(), Map.of(), List.of(), 0, List.of(), "", List.of())))
        .hasMessageContaining("moon_phase");
  }

  private static List<String> ids(ConversationDirector.Direction direction) {
    return direction.coaching().stream().map(Coaching::getRuleId).toList();
  }

  private static ConversationDirector.Situation situation(String intent, Set<String> intents, Map<String, String> entities,
      List<String> products, int frustration, List<Entity> turnEntities, String text, List<String> shown) {
    return new ConversationDirector.Situation(intent, intents, entities, products, frustration, turnEntities,
        Map.of("2024 Toyota RAV4 Hybrid XSE", 1, "2024 Toyota RAV4 XLE", 3), text, shown);
  }
}
