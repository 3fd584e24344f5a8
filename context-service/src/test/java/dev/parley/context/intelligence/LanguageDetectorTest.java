package dev.parley.context.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageDetectorTest {

  private final LanguageDetector detector = new LanguageDetector();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "How much is the sales tax in Texas?|en",
      "Hola, ¿cuánto cuesta el RAV4 con los impuestos?|es",
      "Olá, quanto custa o carro? Eu quero um SUV|pt",
      "Bonjour, je veux une voiture pour ma famille|fr",
      "Hallo, ich möchte wissen wie viel das kostet|de",
      "mujhe 2bhk chahiye, kitna hai?|hi",
      "RAV4?|und"})
  void shouldDetectLanguageOfTurn(String text, String language) {
    assertThat(detector.detect(text)).isEqualTo(language);
  }
}
