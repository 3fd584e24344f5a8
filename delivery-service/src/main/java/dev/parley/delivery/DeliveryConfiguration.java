package dev.parley.delivery;

import dev.parley.schemas.metrics.AiMeters;
import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Targets;
import dev.parley.delivery.queue.OutboundQueue;
import dev.parley.delivery.queue.PendingDeliveries;
import dev.parley.delivery.queue.Retries;
import dev.parley.delivery.receipt.Receipts;
import dev.parley.delivery.channel.webhook.TenantWebhooks;
import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.delivery.channel.webhook.WebhookSubscriptions;
import dev.parley.delivery.channel.whatsapp.WazzupChannel;
import dev.parley.delivery.channel.outbound.GuardedResolver;
import dev.parley.delivery.channel.outbound.OutboundAddresses;
import dev.parley.delivery.ledger.DeliveryLedger;
import dev.parley.delivery.secrets.SecretBox;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;
import dev.parley.schemas.AvroSerdes;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;

/** The delivery ledger (PostgreSQL), the WhatsApp provider, the tenants' webhooks, and the per-target queues with their retry policy. */
@Configuration
class DeliveryConfiguration {

  @Bean
  DeliveryLedger deliveryLedger(ConnectionFactory connections) {
    DatabaseClient db = DatabaseClient.create(connections);
    DeliveryLedger.createSchema(db).block(Duration.ofSeconds(30));
    return new DeliveryLedger(db);
  }

  @Bean
  Outbound whatsApp(WebClient.Builder http, @Value("${parley.delivery.wazzup.api-url}") String apiUrl,
      @Value("${parley.delivery.wazzup.api-key:}") String apiKey, @Value("${parley.delivery.timeout:PT10S}") Duration timeout) {
    return new WazzupChannel(http, apiUrl, apiKey, timeout);
  }

  /** Binds {@code parley.delivery.webhooks.<tenant>: [{url, secret, events}]}. */
  static class Webhooks {
    /** One registered callback and the events it wants ("reply", "conversation.escalated", "conversation.*", "alert.*"; none: replies and conversation events). */
    public record Target(String url, String secret, List<String> events) {
    }

    private Map<String, List<Target>> webhooks = new HashMap<>();

    public Map<String, List<Target>> getWebhooks() {
      return webhooks;
    }

    public void setWebhooks(Map<String, List<Target>> webhooks) {
      this.webhooks = webhooks;
    }
  }

  @Bean
  @ConfigurationProperties("parley.delivery")
  Webhooks webhookSettings() {
    return new Webhooks();
  }

  @Bean
  SecretBox secretBox(@Value("${parley.secrets.key:}") String key) {
    return new SecretBox(key);
  }

  @Bean
  WebhookSubscriptions webhookSubscriptions(ConnectionFactory connections, SecretBox secrets) {
    DatabaseClient db = DatabaseClient.create(connections);
    WebhookSubscriptions.createSchema(db).block(Duration.ofSeconds(30));
    WebhookSubscriptions subscriptions = new WebhookSubscriptions(db, secrets);
    subscriptions.sealPlainSecrets();
    return subscriptions;
  }

  /** Where tenants' data may be sent (no internal addresses), checked at registration and at every send. */
  @Bean
  OutboundAddresses outboundAddresses(@Value("${parley.outbound.allowed-networks:}") List<String> allowedNetworks,
      @Value("${parley.webhooks.allow-http:false}") boolean allowHttp) {
    return new OutboundAddresses(allowedNetworks, allowHttp);
  }

  @Bean
  TenantWebhooks tenantWebhooks(Webhooks settings, WebhookSubscriptions subscriptions, WebClient.Builder builder,
      OutboundAddresses addresses,
      @Value("${parley.delivery.timeout:PT10S}") Duration timeout,
      @Value("${parley.delivery.webhook-refresh:PT5S}") Duration refresh) {
    // Webhook calls resolve names through the guard: they connect only to addresses it allows.
    WebClient.Builder http = builder.clone().clientConnector(new ReactorClientHttpConnector(
        HttpClient.create().resolver(new GuardedResolver(addresses))));
    Map<String, List<WebhookChannel>> configured = new HashMap<>();
    settings.getWebhooks().forEach((tenant, targets) -> configured.put(tenant, targets.stream()
        .map(target -> new WebhookChannel(http, target.url(), target.secret(), target.events(), timeout)).toList()));
    return new TenantWebhooks(configured, subscriptions,
        registered -> new WebhookChannel(http, registered.url(), registered.secret(), registered.events(), timeout), refresh);
  }

  @Bean
  Targets targets(Outbound whatsApp, TenantWebhooks webhooks) {
    return new Targets(whatsApp, webhooks);
  }

  @Bean
  Receipts receipts(KafkaTemplate<String, SpecificRecord> kafka, AiMeters meters) {
    return new Receipts(kafka, meters);
  }

  @Bean(destroyMethod = "close")
  OutboundQueue outboundQueue(ConnectionFactory connections, DeliveryLedger ledger, Targets targets, AvroSerdes serdes,
      KafkaTemplate<String, SpecificRecord> kafka, Receipts receipts,
      @Value("${parley.delivery.max-attempts:8}") int maxAttempts,
      @Value("${parley.delivery.first-backoff:PT1S}") Duration firstBackoff,
      @Value("${parley.delivery.max-backoff:PT1M}") Duration maxBackoff,
      @Value("${parley.delivery.per-second:20}") int perSecond,
      @Value("${parley.delivery.lane-threads:4}") int threads,
      @Value("${parley.delivery.timeout:PT10S}") Duration timeout) {
    DatabaseClient db = DatabaseClient.create(connections);
    PendingDeliveries.createSchema(db).block(Duration.ofSeconds(30)); // after the ledger's tables (it extends one)
    return new OutboundQueue(new PendingDeliveries(db), targets, serdes, kafka, receipts, new OutboundQueue.Settings(
        new Retries(maxAttempts, firstBackoff, maxBackoff), perSecond, threads, timeout.plusSeconds(5)));
  }
}
