package dev.parley.ingress.whatsapp;

import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.InboundMessage;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/wazzup/{channel}}: WhatsApp messages from Wazzup. The request must carry
 * {@code X-Wazzup-Signature: sha256=<HMAC-SHA256 of the raw body with the channel's secret>}; a
 * bad or missing signature is 401 and nothing is published. Each incoming message (text, or media
 * with its caption) is published with the provider's message id as its idempotency key, so a
 * redelivered webhook never makes a second turn; context-service combines a burst into one turn.
 * Status callbacks and the provider's own echoes are acknowledged and not turned into turns.
 *
 * <p>No bearer token here: the provider authenticates by signature, per channel.
 */
@RestController
class WazzupWebhookController {

  static final String SIGNATURE_HEADER = "X-Wazzup-Signature";
  private static final Logger log = LoggerFactory.getLogger(WazzupWebhookController.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  record Accepted(int messages, int statuses) {
  }

  private final WazzupChannels channels;
  private final WhatsAppConversations conversations;
  private final KafkaTemplate<String, SpecificRecord> kafka;

  WazzupWebhookController(WazzupChannels channels, WhatsAppConversations conversations,
      KafkaTemplate<String, SpecificRecord> kafka) {
    this.channels = channels;
    this.conversations = conversations;
    this.kafka = kafka;
  }

  @PostMapping("/webhooks/wazzup/{channel}")
  Mono<ResponseEntity<Accepted>> receive(@PathVariable String channel,
      @RequestHeader(name = SIGNATURE_HEADER, required = false) String signature, @RequestBody(required = false) byte[] body) {
    WazzupChannels.Channel settings = channels.getWazzup().get(channel);
    if (settings == null || body == null || !validSignature(settings.secret(), body, signature)) {
      return Mono.error(new ResponseStatusException(HttpStatus.UNAUTHORIZED, "missing or invalid " + SIGNATURE_HEADER));
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(body);
    } catch (RuntimeException e) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "the body is not JSON"));
    }
    JsonNode messages = payload.path("messages");
    int statuses = payload.path("statuses").size();
    return Flux.fromIterable(messages::iterator)
        .filter(message -> !message.path("isEcho").asBoolean(false))
        .filter(message -> !text(message).isBlank())
        .concatMap(message -> publish(settings.tenant(), channel, message).thenReturn(1))
        .count()
        .map(published -> ResponseEntity.ok(new Accepted(published.intValue(), statuses)));
  }

  private Mono<Void> publish(String tenant, String channel, JsonNode message) {
    String chatId = message.path("chatId").asString("");
    return conversations.resolve(tenant, channel, chatId).flatMap(conversationId -> {
      InboundMessage inbound = InboundMessage.newBuilder()
          .setEventId(UUID.randomUUID().toString())
          .setTenantId(tenant)
          .setConversationId(conversationId)
          .setMessageId("wazzup:" + message.path("messageId").asString())
          .setUserId("whatsapp:" + chatId)
          .setText(text(message))
          .setChannel(ChannelInfo.newBuilder().setType(ChannelType.WHATSAPP).setProvider("wazzup")
              .setExternalChatId(chatId)
              .setMetadata(Map.of("channelId", channel, "chatType", message.path("chatType").asString("whatsapp")))
              .build())
          .setReceivedAt(Instant.now())
          .build();
      return Mono.fromFuture(() -> kafka.send(Topics.INBOUND_MESSAGES.name(), Keys.of(tenant, conversationId), inbound)).then();
    });
  }

  /** The text of a message; media becomes its caption and a link, so the turn says what was sent. */
  private static String text(JsonNode message) {
    String type = message.path("type").asString("text");
    if (type.equals("text")) {
      return message.path("text").asString("");
    }
    String caption = message.path("text").asString("");
    String uri = message.path("contentUri").asString("");
    return (caption + (uri.isEmpty() ? "" : " [" + type + ": " + uri + "]")).strip();
  }

  static boolean validSignature(String secret, byte[] body, String header) {
    if (secret == null || header == null || !header.startsWith("sha256=")) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal(body);
      byte[] given = HexFormat.of().parseHex(header.substring("sha256=".length()));
      return MessageDigest.isEqual(expected, given); // constant time
    } catch (Exception e) {
      log.warn("could not check a webhook signature: {}", e.getClass().getSimpleName());
      return false;
    }
  }
}
