package dev.parley.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Wazzup's webhook as the provider sends it: signed with the channel's secret. */
final class WhatsAppWebhook {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private WhatsAppWebhook() {
  }

  /** One incoming text message as Wazzup describes it. */
  static String message(String channel, String id, String chat, String text) {
    return "{\"messageId\":\"" + id + "\",\"channelId\":\"" + channel + "\",\"chatType\":\"whatsapp\","
        + "\"chatId\":\"" + chat + "\",\"type\":\"text\",\"status\":\"inbound\",\"isEcho\":false,\"text\":\"" + text + "\"}";
  }

  static String sign(String body) {
    return sign(body.getBytes(StandardCharsets.UTF_8));
  }

  static String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Pipeline.WHATSAPP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts a body to a channel's webhook, signed when a signature is given. */
  static HttpResponse<String> post(String channel, byte[] body, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Pipeline.stack().ingressUrl() + "/webhooks/wazzup/" + channel))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("X-Wazzup-Signature", signature);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts a body to a channel's webhook, signed as the provider would. */
  static HttpResponse<String> send(String channel, String body) {
    return post(channel, body.getBytes(StandardCharsets.UTF_8), sign(body));
  }
}
