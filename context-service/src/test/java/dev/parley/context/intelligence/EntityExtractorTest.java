package dev.parley.context.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.Entity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntityExtractorTest {

  private static final Catalog DEALER = new Catalog(
      List.of("2024 Toyota RAV4 XLE", "2024 Toyota RAV4 Hybrid XSE", "2025 Ford F-150 XLT",
          "2022 Honda Civic LX (certified pre-owned)", "2024 Honda CR-V EX"),
      List.of("Main lot", "North lot", "Koramangala", "Whitefield"), java.util.Map.of());
  private final EntityExtractor extractor = new EntityExtractor();

  @ParameterizedTest(name = "{0} → {1}={2}")
  @CsvSource(delimiter = '|', value = {
      "I can put $3,000 down|down_payment|3000",
      "down payment of 5k|down_payment|5000",
      "with my $8,000 trade-in|trade_in|8000",
      "my trade in is worth 6500|trade_in|6500",
      "I can afford $500/month|monthly_budget|500",
      "around 450 a month|monthly_budget|450",
      "looking for something under 2 Cr|budget_max|20000000",
      "budget up to 75 lakh|budget_max|7500000",
      "it costs $32,500|money|32500",
      "what about a 72 month loan|term_months|72",
      "a 5 year loan|term_months|60",
      "is 5.9% APR possible|apr|5.9",
      "APR of 6.5%|apr|6.5",
      "my credit score is 720|credit_score|720",
      "I have a 680 credit score|credit_score|680",
      "I live in Texas|us_state|TX",
      "we moved from West Virginia|us_state|WV",
      "registered in new hampshire|us_state|NH",
      "we are in TX|us_state|TX",
      "Austin, TX 78701|zip|78701",
      "my zip code is 90210|zip|90210",
      "need a 2bhk|configuration|2BHK",
      "3 BHK please|configuration|3BHK",
      "it must have a third row seat, and leather|must_have|third row seat",
      "parking is non-negotiable: covered parking.|must_have|covered parking"})
  void shouldFindEntity(String text, String type, String value) {
    assertThat(extractor.extract(text, DEALER)).extracting(Entity::getType, Entity::getValue)
        .contains(org.assertj.core.groups.Tuple.tuple(type, value));
  }

  @Test
  void shouldMatchProductsDespiteSpacingAndTypos() {
    assertThat(values(extractor.extract("is the rav 4 or the Civc available?", DEALER), "product"))
        .containsExactly("2024 Toyota RAV4 XLE", "2024 Toyota RAV4 Hybrid XSE", "2022 Honda Civic LX (certified pre-owned)");
    assertThat(values(extractor.extract("what about the F150?", DEALER), "product")).containsExactly("2025 Ford F-150 XLT");
  }

  @Test
  void shouldPreferTheProductWhoseNameTheCustomerSpelledOut() {
    assertThat(values(extractor.extract("Is the RAV4 Hybrid XSE in stock, and the Civic?", DEALER), "product"))
        .containsExactly("2024 Toyota RAV4 Hybrid XSE", "2022 Honda Civic LX (certified pre-owned)");
    assertThat(values(extractor.extract("is the rav4 available?", DEALER), "product"))
        .as("ambiguous: every RAV4").containsExactly("2024 Toyota RAV4 XLE", "2024 Toyota RAV4 Hybrid XSE");
  }

  @Test
  void shouldMatchKnownPlacesDespiteTypos() {
    assertThat(values(extractor.extract("flats in Koramanagala or Whitefeild", DEALER), "location"))
        .containsExactly("Koramangala", "Whitefield");
  }

  @Test
  void shouldNotReportDownPaymentAgainAsPlainMoney() {
    List<Entity> entities = extractor.extract("I can put $3,000 down on the $32,500 RAV4", DEALER);

    assertThat(entities).extracting(Entity::getType).containsExactly("down_payment", "money", "product", "product");
  }

  @Test
  void shouldFindNothingInSmallTalk() {
    assertThat(extractor.extract("hello, how are you today?", DEALER)).isEmpty();
  }

  @Test
  void shouldNotTakeOrdinaryCapitalisedWordsForStates() {
    assertThat(values(extractor.extract("OK, I will come IN the morning", DEALER), "us_state")).isEmpty();
  }

  private static List<String> values(List<Entity> entities, String type) {
    return entities.stream().filter(e -> e.getType().equals(type)).map(Entity::getValue).toList();
  }
}
