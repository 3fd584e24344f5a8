package dev.parley.delivery.channel.webhook;

import dev.parley.delivery.channel.DeliveryException;
import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.outbound.OutboundAddresses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * One callback URL a tenant registered: the events it wants ("reply", "conversation.escalated",
 * "conversation.*", "alert.*"; none listed means replies and conversation events), each delivered as JSON signed with the tenant's secret.
 */
public final class WebhookChannel implements Outbound {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String url;
  private final String secret;
  private final List<String> events;
  private final WebClient http;
  private final Duration timeout;

  public WebhookChannel(WebClient.Builder http, String url, String secret, List<String> events, Duration timeout) {
    this.url = url;
    this.secret = secret;
    this.events = events == null ? List.of() : List.copyOf(events);
    this.http = http.build();
    this.timeout = timeout;
  }

  /** Whether this webhook subscribed to the event. */
  public boolean wants(Outgoing outgoing) {
    String type = outgoing.webhookType();
    if (events.isEmpty()) { // replies and conversation events; alerts only when asked for (older receivers never knew them)
      return !type.startsWith("alert.");
    }
    return events.stream().anyMatch(wanted -> wanted.equals(type)
        || wanted.endsWith(".*") && type.startsWith(wanted.substring(0, wanted.length() - 1)));
  }

  @Override
  public String target(Outgoing outgoing) {
    return "webhook:" + url;
  }

  @Override
  public Mono<Void> send(Outgoing outgoing) {
    String body = JSON.writeValueAsString(WebhookPayloads.of(outgoing));
    long timestamp = Instant.now().getEpochSecond();
    return http.post().uri(url).contentType(MediaType.APPLICATION_JSON)
        .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(secret, timestamp, body))
        .header("X-Parley-Delivery", outgoing.id())
        // The same for every attempt and re-drive of this event: receivers de-duplicate on it.
        .header("Idempotency-Key", outgoing.id())
        .header("X-Parley-Event", outgoing.webhookType())
        .bodyValue(body).retrieve().toBodilessEntity().then()
        .timeout(timeout, Mono.error(() -> new DeliveryException(
            "webhook did not answer within " + timeout.toSeconds() + " s", true, null)))
        .onErrorMap(WebClientResponseException.class, e -> new DeliveryException(
            "webhook answered " + e.getStatusCode().value(), DeliveryException.retriableStatus(e.getStatusCode().value()), e))
        .onErrorMap(WebClientRequestException.class, e -> e.getMostSpecificCause() instanceof OutboundAddresses.Refused refused
            ? new DeliveryException(refused.getMessage(), false, e) // where it now leads, it must not go
            : new DeliveryException("webhook unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(), true, e));
  }
}
