package dev.parley.schemas.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/** Who /actuator/prometheus lets in: the scrape token or a Parley service's token, nobody else. */
class MetricsScrapeSecurityTest {

  private static final String SCRAPE_TOKEN = "scrape-" + UUID.randomUUID();
  private final ServiceIdentity services = new ServiceIdentity("ingress-service", "a-service-secret-of-at-least-32-bytes!");

  @Test
  void shouldLetTheScraperInWithItsToken() {
    Authentication in = authenticate(MetricsScrapeSecurity.authentication(services, SCRAPE_TOKEN), SCRAPE_TOKEN);

    assertThat(in.isAuthenticated()).isTrue();
    assertThat(in.getName()).isEqualTo(MetricsScrapeSecurity.SCRAPER);
  }

  @Test
  void shouldLetAServiceInWithItsOwnToken() {
    Authentication in = authenticate(MetricsScrapeSecurity.authentication(services, SCRAPE_TOKEN), services.token());

    assertThat(in.isAuthenticated()).isTrue();
    assertThat(in.getName()).isEqualTo("ingress-service");
  }

  @Test
  void shouldRefuseAnyOtherToken() {
    ReactiveAuthenticationManager manager = MetricsScrapeSecurity.authentication(services, SCRAPE_TOKEN);

    assertThatThrownBy(() -> authenticate(manager, SCRAPE_TOKEN + "x")).isNotNull();
    assertThatThrownBy(() -> authenticate(manager, SCRAPE_TOKEN.substring(1))).isNotNull();
    ServiceIdentity stranger = new ServiceIdentity("ingress-service", "another-secret-of-at-least-32-bytes!!!");
    assertThatThrownBy(() -> authenticate(manager, stranger.token())).as("a service token signed with another secret").isNotNull();
  }

  @Test
  void shouldLetOnlyServicesInWhenNoScrapeTokenIsSet() {
    ReactiveAuthenticationManager manager = MetricsScrapeSecurity.authentication(services, "");

    assertThatThrownBy(() -> authenticate(manager, "")).isNotNull();
    assertThat(authenticate(manager, services.token()).isAuthenticated()).isTrue();
  }

  @Test
  void shouldRefuseToStartWithAGuessableScrapeToken() {
    assertThatThrownBy(() -> MetricsScrapeSecurity.authentication(services, "short"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("PARLEY_METRICS_TOKEN");
  }

  private static Authentication authenticate(ReactiveAuthenticationManager manager, String token) {
    return manager.authenticate(new BearerTokenAuthenticationToken(token)).block();
  }
}
