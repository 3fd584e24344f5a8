package dev.parley.schemas.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * For a service whose HTTP API is internal only (context, llm, delivery): its identity when it
 * calls another service, {@link InternalApiSecurity}, and who may scrape its metrics
 * ({@link MetricsScrapeSecurity}). A service imports it on its application
 * class ({@code @Import(InternalApiConfiguration.class)}).
 */
@Configuration(proxyBeanMethods = false)
@Import({ServiceIdentityConfiguration.class, MetricsScrapeSecurity.class})
public class InternalApiConfiguration {

  @Bean
  @Order(0)
  SecurityWebFilterChain probes(ServerHttpSecurity http) {
    return InternalApiSecurity.probes(http);
  }

  @Bean
  @Order(1)
  SecurityWebFilterChain internalApi(ServerHttpSecurity http, ServiceIdentity identity) {
    return InternalApiSecurity.chain(http, identity);
  }
}
