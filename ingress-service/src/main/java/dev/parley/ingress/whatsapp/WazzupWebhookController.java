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
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.ingress.ratelimit.RateLimitExceeded;
import dev.parley.ingress.ratelimit.RateLimits;
import dev.parley.ingress.validation.CleanTextValidator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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
 * <p>Each number is limited like a user (and counts towards its tenant's limit). A message over
 * the limit is never taken and then dropped: the answer is 429 with {@code Retry-After}, so the
 * provider keeps the batch and sends it again; what was published before the refusal is recognised
 * on the next try.
 *
 * <p>No bearer token here: the provider authenticates by signature, per channel.
 */
@RestController
class WazzupWebhookController {

  static final String SIGNATURE_HEADER = "X-Wazzup-Signature";
  /** The largest webhook body read: a burst of thousands of messages fits. */
  static final int MAX_BODY = 16 * 1024 * 1024;
  private static final String ID = "[A-Za-z0-9._:@+-]{1,64}";
  /** WhatsApp's own limit on a message's text; a longer one is cut there. */
  static final int MAX_TEXT = 4096;
  private static final Logger log = LoggerFactory.getLogger(WazzupWebhookController.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  record Accepted(int messages, int statuses) {
  }

  private final WazzupChannels channels;
  private final WhatsAppConversations conversations;
  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final RateLimits limits;
  /** Provider message ids this instance published lately: a batch sent again after a 429 skips them. */
  private final Cache<String, Boolean> taken = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(30)).build();

  WazzupWebhookController(WazzupChannels channels, WhatsAppConversations conversations,
      KafkaTemplate<String, SpecificRecord> kafka, RateLimits limits) {
    this.channels = channels;
    this.conversations = conversations;
    this.kafka = kafka;
    this.limits = limits;
  }

  @PostMapping("/webhooks/wazzup/{channel}")
  Mono<ResponseEntity<Accepted>> receive(@PathVariable String channel,
      @RequestHeader(name = SIGNATURE_HEADER, required = false) String signature, ServerHttpRequest request) {
    // A provider may deliver a large burst in one call: this endpoint reads up to MAX_BODY, more
    // than the API's own limit, and still never an unbounded body.
    return DataBufferUtils.join(request.getBody(), MAX_BODY)
        .map(joined -> {
          byte[] bytes = new byte[joined.readableByteCount()];
          joined.read(bytes);
          DataBufferUtils.release(joined);
          return bytes;
        })
        .defaultIfEmpty(new byte[0])
        .flatMap(body -> receive(channel, signature, body));
  }

  private Mono<ResponseEntity<Accepted>> receive(String channel, String signature, byte[] body) {
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
    if (!payload.isObject() || !messages.isMissingNode() && !messages.isArray()) {
      return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "the body must be an object whose messages are an array"));
    }
    for (int i = 0; i < messages.size(); i++) {
      // Ids become keys and idempotency keys: a message without usable ones cannot be taken safely.
      if (!messages.get(i).path("messageId").asString("").matches(ID) || !messages.get(i).path("chatId").asString("").matches(ID)) {
        return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
            "messages[" + i + "] needs a messageId and a chatId of 1 to 64 letters, digits or . _ : @ + -"));
      }
    }
    int statuses = payload.path("statuses").size();
    AtomicInteger published = new AtomicInteger();
    return Flux.fromIterable(messages::iterator)
        .filter(message -> !message.path("isEcho").asBoolean(false))
        .filter(message -> !text(message).isBlank())
        .concatMap(message -> take(settings.tenant(), channel, message).doOnNext(taken -> published.addAndGet(taken ? 1 : 0)))
        .then(Mono.fromSupplier(() -> ResponseEntity.ok(new Accepted(published.get(), statuses))))
        .onErrorMap(RateLimitExceeded.class, refused -> {
          // The provider gets 429 and sends the batch again later: what was published before is
          // not lost, and on the next try it is recognised (here, and by context-service's
          // de-duplication) instead of being published or counted twice.
          refused.getBody().setProperty("published", published.get());
          return refused;
        });
  }

  /**
   * Publishes a message within its number's and its tenant's rate limits, once per provider
   * message id: true when published now, false when it was already.
   */
  private Mono<Boolean> take(String tenant, String channel, JsonNode message) {
    String messageId = "wazzup:" + message.path("messageId").asString();
    if (taken.getIfPresent(Keys.of(tenant, messageId)) != null) {
      return Mono.just(false);
    }
    return limits.checkWhatsApp(tenant, message.path("chatId").asString(""))
        .then(publish(tenant, channel, message))
        .then(Mono.fromRunnable(() -> taken.put(Keys.of(tenant, messageId), Boolean.TRUE)))
        .thenReturn(true);
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

  /**
   * The text of a message; media becomes its caption and a link, so the turn says what was sent.
   * The provider has delivered it already, so it cannot be refused: control characters and broken
   * Unicode are made safe and the text is cut at WhatsApp's own limit.
   */
  static String text(JsonNode message) {
    String type = message.path("type").asString("text");
    String text;
    if (type.equals("text")) {
      text = message.path("text").asString("");
    } else {
      String caption = message.path("text").asString("");
      String uri = message.path("contentUri").asString("");
      text = (caption + (uri.isEmpty() ? "" : " [" + type + ": " + uri + "]")).strip();
    }
    String clean = CleanTextValidator.clean(text);
    return clean.length() <= MAX_TEXT ? clean : clean.substring(0, Character.isHighSurrogate(clean.charAt(MAX_TEXT - 1))
        ? MAX_TEXT - 1 : MAX_TEXT);
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
