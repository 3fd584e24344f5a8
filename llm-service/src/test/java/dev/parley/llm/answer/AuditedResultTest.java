package dev.parley.llm.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditedResultTest {

  @Test
  void keepsShortAnswersWhole() {
    assertThat(TurnResponder.auditedResult("{\"price\": 32990}")).isEqualTo("{\"price\": 32990}");
    assertThat(TurnResponder.auditedResult(null)).isNull();
  }

  @Test
  void cutsLongAnswersAtTheLimitWithoutHalvingACharacter() {
    String longAnswer = "x".repeat(TurnResponder.AUDITED_RESULT_CHARACTERS - 2) + "😀😀😀";
    String kept = TurnResponder.auditedResult(longAnswer);
    assertThat(kept).hasSizeLessThanOrEqualTo(TurnResponder.AUDITED_RESULT_CHARACTERS).endsWith("…");
    assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 2))).isFalse();
  }
}
