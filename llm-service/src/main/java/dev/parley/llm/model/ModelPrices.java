package dev.parley.llm.model;

import java.util.Map;

/**
 * What models cost, in US dollars per million tokens, from configuration
 * ({@code parley.model.prices.<model>.input} and {@code .output}): prices change more often than
 * code. A model without a price costs 0 and says so in the log once.
 *
 * @param perMillion input and output price per model name
 */
public record ModelPrices(Map<String, Price> perMillion) {

  /** Dollars per million input and output tokens. */
  record Price(double input, double output) {
  }

  public ModelPrices {
    perMillion = perMillion == null ? Map.of() : Map.copyOf(perMillion);
  }

  public double cost(String model, long inputTokens, long outputTokens) {
    Price price = perMillion.get(model);
    if (price == null) {
      return 0;
    }
    double dollars = (inputTokens * price.input() + outputTokens * price.output()) / 1_000_000.0;
    return Math.round(dollars * 1_000_000) / 1_000_000.0;
  }
}
