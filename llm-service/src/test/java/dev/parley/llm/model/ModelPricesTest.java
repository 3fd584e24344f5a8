package dev.parley.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelPricesTest {

  private final ModelPrices prices = new ModelPrices(Map.of("gpt-4o-mini", new ModelPrices.Price(0.15, 0.60)));

  @Test
  void shouldPriceInputAndOutputTokensPerMillion() {
    assertThat(prices.cost("gpt-4o-mini", 2_000, 500)).isEqualTo(0.0006);
  }

  @Test
  void shouldCostNothingForModelWithoutPrice() {
    assertThat(prices.cost("parley-offline-extractive", 2_000, 500)).isZero();
  }
}
