package dev.parley.context.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreChecksumTest {

  @Test
  void isTheSameWhateverTheOrderOfTheEntries() {
    StoreChecksum one = new StoreChecksum().add("t:a", new byte[] {1}).add("t:b", new byte[] {2, 3});
    StoreChecksum other = new StoreChecksum().add("t:b", new byte[] {2, 3}).add("t:a", new byte[] {1});
    assertThat(one.value()).isEqualTo(other.value()).startsWith("2:");
  }

  @Test
  void differsWhenAValueAKeyOrAnEntryDiffers() {
    String base = new StoreChecksum().add("t:a", new byte[] {1}).add("t:b", new byte[] {2}).value();
    assertThat(new StoreChecksum().add("t:a", new byte[] {1}).add("t:b", new byte[] {3}).value()).isNotEqualTo(base);
    assertThat(new StoreChecksum().add("t:a", new byte[] {1}).add("t:c", new byte[] {2}).value()).isNotEqualTo(base);
    assertThat(new StoreChecksum().add("t:a", new byte[] {1}).value()).isNotEqualTo(base);
    // Where the key ends and the value starts counts too.
    assertThat(new StoreChecksum().add("t:a", new byte[] {'b'}).value()).isNotEqualTo(new StoreChecksum().add("t:ab", new byte[0]).value());
  }
}
