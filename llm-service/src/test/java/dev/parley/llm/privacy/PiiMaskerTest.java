package dev.parley.llm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PiiMaskerTest {

  private final PiiMasker masker = new PiiMasker("US");

  @Test
  void shouldMaskPhonesInAnyFormatEmailsCardsAndSsns() {
    var masking = masker.newMasking();

    String masked = masking.mask("Call me at (512) 555-0142 or +1 305 555 0199, mail maria.lopez@example.com, "
        + "card 4111 1111 1111 1111, SSN 123-45-6789.");

    assertThat(masked).isEqualTo("Call me at [PHONE_1] or [PHONE_2], mail [EMAIL_1], card [CARD_1], SSN [SSN_1].");
    assertThat(masking.size()).isEqualTo(5);
  }

  @Test
  void shouldRestoreOriginalsInTheReply() {
    var masking = masker.newMasking();
    masking.mask("My number is 512-555-0142 and my email is maria@example.com");

    assertThat(masking.restore("We will text [PHONE_1] and write to [EMAIL_1]; [PHONE_9] stays."))
        .isEqualTo("We will text 512-555-0142 and write to maria@example.com; [PHONE_9] stays.");
  }

  @Test
  void shouldGiveTheSameValueTheSamePlaceholderAcrossTexts() {
    var masking = masker.newMasking();

    String first = masking.mask("reach me at 512-555-0142");
    String second = masking.mask("again: 512-555-0142");

    assertThat(first).endsWith("[PHONE_1]");
    assertThat(second).endsWith("[PHONE_1]");
  }

  @Test
  void shouldLeaveOrdinaryNumbersAlone() {
    var masking = masker.newMasking();

    String text = "The RAV4 costs $32,500, order 1234 5678 9012 3456, 60 months at 5.9%, ZIP 78701.";

    assertThat(masking.mask(text)).isEqualTo(text);
  }
}
