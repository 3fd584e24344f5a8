package dev.parley.delivery.channel.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.parley.delivery.channel.DeliveryException;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.channel.webhook.WebhookChannel;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/** Where tenants' webhooks may and may not lead: never to Parley's own neighbours. */
class OutboundAddressesTest {

  private final OutboundAddresses policy = new OutboundAddresses(List.of(), false);

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254", "fc00::1", "100.64.0.1", "224.0.0.1",
      "255.255.255.255", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "198.18.0.1"})
  void shouldRefuseLoopbackLinkLocalPrivateMetadataAndMappedForms(String address) throws Exception {
    assertThat(policy.isAllowed(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "2606:4700:4700::1111"})
  void shouldAllowPublicAddresses(String address) throws Exception {
    assertThat(policy.isAllowed(InetAddress.getByName(address))).isTrue();
  }

  @Test
  void shouldRefuseUrlsThatAreNotHttpsOrLeadInsideAtRegistration() {
    assertThatThrownBy(() -> policy.checkUrl("http://8.8.8.8/hook")).hasMessageContaining("https");
    assertThatThrownBy(() -> policy.checkUrl("https://169.254.169.254/latest/meta-data")).hasMessageContaining("169.254.169.254");
    assertThatThrownBy(() -> policy.checkUrl("https://localhost/hook")).hasMessageContaining("refused");
    assertThatThrownBy(() -> policy.checkUrl("https://user:pass@8.8.8.8/hook")).hasMessageContaining("credentials");
    assertThatThrownBy(() -> policy.checkUrl("not a url")).isInstanceOf(OutboundAddresses.Refused.class);
    assertThatCode(() -> policy.checkUrl("https://not-yet-set-up.invalid/hook")).as("checked again at every send")
        .doesNotThrowAnyException();
  }

  @Test
  void shouldAllowNetworksTheOperatorAllowsAndPlainHttpWhereAllowed() throws Exception {
    OutboundAddresses local = new OutboundAddresses(List.of("127.0.0.0/8"), true);

    local.checkUrl("http://127.0.0.1:9999/hook");
    assertThat(local.isAllowed(InetAddress.getByName("10.0.0.1"))).as("only what was allowed").isFalse();
  }

  @Test
  void shouldRefuseAtSendTimeOnTheAddressConnectedToWithoutRetryingOrReachingIt() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      reached.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    try {
      // Registered while its name led outside; now "localhost" leads to this machine.
      WebClient.Builder guarded = WebClient.builder().clientConnector(new ReactorClientHttpConnector(
          HttpClient.create().resolver(new GuardedResolver(new OutboundAddresses(List.of(), true)))));
      WebhookChannel hook = new WebhookChannel(guarded, "http://localhost:" + receiver.getAddress().getPort() + "/hook",
          "secret", List.of(), Duration.ofSeconds(5));

      assertThatThrownBy(() -> hook.send(Outgoing.of(ConversationEvent.newBuilder().setEventId("e-1").setTenantId("t")
          .setConversationId("c").setType(ConversationEventType.CLOSED).setCauseId("x").setCreatedAt(Instant.EPOCH).build())).block())
          .isInstanceOfSatisfying(DeliveryException.class, refused -> {
            assertThat(refused.retriable()).as("no retry: where it leads, it must not go").isFalse();
            assertThat(refused.getMessage()).contains("127.0.0.1");
          });
      assertThat(reached).hasValue(0);
    } finally {
      receiver.stop(0);
    }
  }
}
