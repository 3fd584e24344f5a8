package dev.parley.context.intent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntentClassifierTest {

  private final IntentClassifier classifier = new IntentClassifier();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "How much sales tax will I pay in Texas?|pricing_tax",
      "What APR can I get on a 72 month loan?|financing",
      "Do you have any SUVs in stock?|product_search",
      "That's too expensive, I found a better deal elsewhere|objection",
      "I want to speak to a human|escalation_request",
      "Hello there|greeting",
      "My invoice shows the wrong billing address|account_inquiry",
      "The app shows an error when I log in|technical_support",
      "Tell me a joke|other"})
  void shouldClassifyTypicalSalesMessages(String text, String intent) {
    assertThat(classifier.classify(text).getName()).isEqualTo(intent);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"Tell me a joke", "How much sales tax will I pay in Texas?"})
  void shouldGiveConfidenceBetweenZeroAndOne(String text) {
    assertThat(classifier.classify(text).getConfidence()).isBetween(0.0, 1.0);
  }
}
