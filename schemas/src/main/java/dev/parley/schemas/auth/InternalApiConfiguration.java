package dev.parley.schemas.auth;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * For a service whose HTTP API is internal only (context, llm, delivery): its identity when it
 * calls another service, and {@link InternalApiSecurity}. A service imports it on its application
 * class ({@code @Import(InternalApiConfiguration.class)}).
 */
@Configuration(proxyBeanMethods = false)
public class InternalApiConfiguration {

  @Bean
  ServiceIdentity serviceIdentity(@Value("${spring.application.name}") String service,
      @Value("${parley.auth.service-secret:}") String secret) {
    return new ServiceIdentity(service, secret);
  }

  @Bean
  SecurityWebFilterChain internalApi(ServerHttpSecurity http, ServiceIdentity identity) {
    return InternalApiSecurity.chain(http, identity);
  }
}
