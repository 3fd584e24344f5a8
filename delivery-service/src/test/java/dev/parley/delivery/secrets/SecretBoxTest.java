package dev.parley.delivery.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Secrets at rest: sealed, bound to their row, unreadable with another key, shown only as a hint. */
class SecretBoxTest {

  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String OTHER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @Test
  void shouldSealSoThatTheStoredValueRevealsNothingAndOpensOnlyForItsRow() throws Exception {
    SecretBox box = new SecretBox(KEY);

    String sealed = box.seal("whsec_abcdef123456", "webhook:acme:wh_1");

    assertThat(sealed).startsWith("v1:").doesNotContain("abcdef");
    assertThat(box.seal("whsec_abcdef123456", "webhook:acme:wh_1")).as("a fresh nonce each time").isNotEqualTo(sealed);
    assertThat(box.open(sealed, "webhook:acme:wh_1")).isEqualTo("whsec_abcdef123456");
    assertThatThrownBy(() -> box.open(sealed, "webhook:other:wh_1")).isInstanceOf(SecretBox.Unreadable.class);
    assertThatThrownBy(() -> new SecretBox(OTHER_KEY).open(sealed, "webhook:acme:wh_1")).isInstanceOf(SecretBox.Unreadable.class);
  }

  @Test
  void shouldRefuseToStartWithoutAProperKey() {
    assertThatThrownBy(() -> new SecretBox("")).hasMessageContaining("PARLEY_SECRETS_KEY");
    assertThatThrownBy(() -> new SecretBox("c2hvcnQ=")).hasMessageContaining("32 random bytes");
  }

  @Test
  void shouldShowOnlyAHintOfASecret() {
    assertThat(SecretBox.hint("whsec_abcdefghijkl1234")).isEqualTo("whsec_…1234");
  }
}
