package dev.parley.delivery.channel.whatsapp;

import dev.parley.delivery.channel.DeliveryException;
import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.events.AssistantReply;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * Sends a reply to a WhatsApp chat through Wazzup's send-message API: channel id, chat id, chat
 * type and text, a file by URL, or an approved template with its values; the API key in the
 * Authorization header. The reply id goes as {@code crmMessageId}, so the provider can recognise
 * a resend too.
 */
public final class WazzupChannel implements Outbound {

  private final WebClient http;
  private final Duration timeout;

  public WazzupChannel(WebClient.Builder http, String apiUrl, String apiKey, Duration timeout) {
    this.http = http.baseUrl(apiUrl).defaultHeader("Authorization", "Bearer " + apiKey).build();
    this.timeout = timeout;
  }

  @Override
  public String target(Outgoing outgoing) {
    return "whatsapp:" + channelId(reply(outgoing));
  }

  @Override
  public Mono<Void> send(Outgoing outgoing) {
    AssistantReply reply = reply(outgoing);
    if (reply.getChannel().getExternalChatId() == null) {
      return Mono.error(new DeliveryException("the reply has no WhatsApp chat id", false, null));
    }
    if (reply.getTemplate() != null) {
      Map<String, Object> body = message(reply, reply.getEventId());
      body.put("templateId", reply.getTemplate().getId());
      body.put("templateValues", reply.getTemplate().getValues());
      return post(body);
    }
    // The API takes text or a file per message, not both: the text goes first, then the file.
    // A retry after the text went out sends it again with the same crmMessageId, which the
    // provider recognises.
    Map<String, Object> text = message(reply, reply.getEventId());
    text.put("text", reply.getText());
    String media = reply.getMediaUrl();
    if (media == null) {
      return post(text);
    }
    Map<String, Object> file = message(reply, reply.getEventId() + ":media");
    file.put("contentUri", media);
    return post(text).then(post(file));
  }

  private static Map<String, Object> message(AssistantReply reply, String crmMessageId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("channelId", channelId(reply));
    body.put("chatType", reply.getChannel().getMetadata().getOrDefault("chatType", "whatsapp"));
    body.put("chatId", reply.getChannel().getExternalChatId());
    body.put("crmMessageId", crmMessageId);
    return body;
  }

  private Mono<Void> post(Map<String, Object> body) {
    return http.post().uri("/v3/message").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
        .retrieve().toBodilessEntity().then()
        .timeout(timeout, Mono.error(() -> new DeliveryException(
            "provider did not answer within " + timeout.toSeconds() + " s", true, null)))
        .onErrorMap(WebClientResponseException.class, e -> new DeliveryException(
            "provider answered " + e.getStatusCode().value(), DeliveryException.retriableStatus(e.getStatusCode().value()), e))
        .onErrorMap(WebClientRequestException.class, e -> new DeliveryException(
            "provider unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(), true, e));
  }

  /** Only replies go to WhatsApp chats; conversation events go to webhooks. */
  private static AssistantReply reply(Outgoing outgoing) {
    if (outgoing.event() instanceof AssistantReply reply) {
      return reply;
    }
    throw new IllegalArgumentException("only replies are sent to WhatsApp, not " + outgoing.kind());
  }

  private static String channelId(AssistantReply reply) {
    return reply.getChannel().getMetadata().getOrDefault("channelId", "default");
  }
}
