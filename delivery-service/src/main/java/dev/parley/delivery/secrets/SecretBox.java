package dev.parley.delivery.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets at rest (webhook signing secrets): AES-256-GCM with a key from the environment
 * ({@code PARLEY_SECRETS_KEY}, 32 bytes in base64), never stored with the data. Each sealed value
 * is bound to what it belongs to (the associated data, for example tenant and webhook id), so a
 * value copied onto another row does not open. Sealed values read {@code v1:<base64 of nonce and
 * ciphertext>}.
 */
public final class SecretBox {

  private static final String PREFIX = "v1:";
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A sealed value that does not open with this key (another key, or tampered with). */
  public static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SecretKeySpec key;

  public SecretBox(String base64Key) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64Key == null ? "" : base64Key.strip());
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 32) {
      throw new IllegalStateException("PARLEY_SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32):"
          + " webhook secrets are stored encrypted with it");
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  public String seal(String secret, String boundTo) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  public String open(String sealed, String boundTo) throws Unreadable {
    if (!isSealed(sealed)) {
      throw new Unreadable("not a sealed value", null);
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(bytes, NONCE, bytes.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Unreadable("the secret does not open with this key", e);
    }
  }

  public static boolean isSealed(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /** What may be shown of a secret: its kind and its last four characters. */
  public static String hint(String secret) {
    int underscore = secret.indexOf('_');
    return (underscore > 0 ? secret.substring(0, underscore + 1) : "") + "…" + secret.substring(Math.max(0, secret.length() - 4));
  }
}
