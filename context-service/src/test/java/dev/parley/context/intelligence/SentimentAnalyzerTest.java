package dev.parley.context.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentimentAnalyzerTest {

  private final SentimentAnalyzer analyzer = new SentimentAnalyzer();

  @Test
  void shouldReadPraiseAsPositiveAndCalm() {
    var sentiment = analyzer.analyze("Thanks, that's great, I love the RAV4!");

    assertThat(sentiment.score()).isPositive();
    assertThat(sentiment.frustration()).isZero();
  }

  @Test
  void shouldReadComplaintAsNegative() {
    assertThat(analyzer.analyze("This is too expensive and the service was terrible").score()).isNegative();
  }

  @Test
  void shouldFlipNegatedWords() {
    assertThat(analyzer.analyze("the price is not good").score()).isNegative();
    assertThat(analyzer.analyze("it's not bad at all").score()).isPositive();
  }

  @Test
  void shouldRateAnAngryCustomerSevenOrMore() {
    var sentiment = analyzer.analyze("This is RIDICULOUS!! I'm still waiting, I want to speak to a manager");

    assertThat(sentiment.frustration()).isGreaterThanOrEqualTo(7).isLessThanOrEqualTo(10);
  }

  @Test
  void shouldKeepNeutralQuestionNeutral() {
    var sentiment = analyzer.analyze("What is the APR for 60 months?");

    assertThat(sentiment.score()).isZero();
    assertThat(sentiment.frustration()).isZero();
  }
}
