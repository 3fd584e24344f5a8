package dev.parley.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.ingress.ratelimit.RateLimitSettings;
import dev.parley.ingress.security.TenantOrigins;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The application.yml ingress ships binds as it is, with nothing from the environment: the local
 * run starts on it (the tests set more through the environment, which could hide a setting that
 * does not bind on its own).
 */
class ShippedConfigurationTest {

  @Test
  void shouldBindTheShippedSettingsWithTheSeedDocumentsLimitsAndNoCrossOriginWebsites() throws Exception {
    StandardEnvironment environment = new StandardEnvironment();
    new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
        .forEach(source -> environment.getPropertySources().addLast(source));
    Binder binder = Binder.get(environment);

    RateLimitSettings limits = binder.bindOrCreate("parley.rate-limits", Bindable.of(RateLimitSettings.class));
    TenantOrigins origins = binder.bindOrCreate("parley.cors", Bindable.of(TenantOrigins.class));

    assertThat(limits.enabled()).isTrue();
    assertThat(limits.of("any-tenant")).isEqualTo(new RateLimitSettings.Limits(10, 100, 1_000));
    assertThat(origins.tenants()).isEmpty();
  }
}
