package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.DeliveryException;
import dev.parley.delivery.channel.Outbound;
import dev.parley.events.AssistantReply;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.databind.json.JsonMapper;

/** Delivers reply events to one callback URL a tenant registered, signed with the tenant's secret. */
public final class WebhookChannel implements Outbound {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String url;
  private final String secret;
  private final WebClient http;
  private final Duration timeout;

  public WebhookChannel(WebClient.Builder http, String url, String secret, Duration timeout) {
    this.url = url;
    this.secret = secret;
    this.http = http.build();
    this.timeout = timeout;
  }

  @Override
  public String target(AssistantReply reply) {
    return "webhook:" + url;
  }

  @Override
  public void send(AssistantReply reply) throws DeliveryException {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "reply");
    event.put("tenantId", reply.getTenantId());
    event.put("conversationId", reply.getConversationId());
    event.put("replyId", reply.getEventId());
    event.put("messageIds", reply.getMessageIds());
    event.put("text", reply.getText());
    event.put("status", reply.getStatus().name());
    event.put("intent", reply.getIntent().getName());
    event.put("createdAt", reply.getCreatedAt().toString());
    String body = JSON.writeValueAsString(event);
    long timestamp = Instant.now().getEpochSecond();
    try {
      http.post().uri(url).contentType(MediaType.APPLICATION_JSON)
          .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
          .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(secret, timestamp, body))
          .header("X-Parley-Delivery", reply.getEventId())
          .bodyValue(body).retrieve().toBodilessEntity().block(timeout);
    } catch (WebClientResponseException e) {
      throw new DeliveryException("webhook answered " + e.getStatusCode().value(),
          DeliveryException.retriableStatus(e.getStatusCode().value()), e);
    } catch (WebClientRequestException e) {
      throw new DeliveryException("webhook unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(), true, e);
    } catch (IllegalStateException e) {
      throw new DeliveryException("webhook did not answer within " + timeout.toSeconds() + " s", true, e);
    }
  }
}
