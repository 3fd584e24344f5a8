package dev.parley.delivery.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries: HMAC-SHA256 over "{timestamp}.{body}" with the tenant's secret, sent
 * as {@code X-Parley-Signature: sha256=<hex>} beside {@code X-Parley-Timestamp}. Receivers
 * recompute it and reject old timestamps, so a captured delivery cannot be replayed later.
 */
public final class WebhookSigner {

  public static final String SIGNATURE_HEADER = "X-Parley-Signature";
  public static final String TIMESTAMP_HEADER = "X-Parley-Timestamp";

  private WebhookSigner() {
  }

  public static String sign(String secret, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
