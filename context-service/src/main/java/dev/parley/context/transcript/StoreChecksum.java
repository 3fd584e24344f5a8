package dev.parley.context.transcript;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A store's content as one figure that does not depend on the order entries are read in: the
 * number of entries and the sum (mod 2^64) of each entry's SHA-256 over its key and value. Two
 * stores with the same checksum hold the same entries, short of a deliberate collision.
 */
public final class StoreChecksum {

  private final MessageDigest sha256;
  private long entries;
  private long sum;

  public StoreChecksum() {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public StoreChecksum add(String key, byte[] value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    sha256.update(ByteBuffer.allocate(4).putInt(keyBytes.length).array());
    sha256.update(keyBytes);
    sha256.update(value);
    sum += ByteBuffer.wrap(sha256.digest()).getLong();
    entries++;
    return this;
  }

  public long entries() {
    return entries;
  }

  /** {@code <entries>:<sum in hex>}. */
  public String value() {
    return entries + ":" + HexFormat.of().toHexDigits(sum);
  }

  @Override
  public String toString() {
    return value();
  }
}
