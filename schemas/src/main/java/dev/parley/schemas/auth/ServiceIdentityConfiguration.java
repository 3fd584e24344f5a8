package dev.parley.schemas.auth;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** This service's {@link ServiceIdentity}, from its name and {@code parley.auth.service-secret}. */
@Configuration(proxyBeanMethods = false)
public class ServiceIdentityConfiguration {

  @Bean
  ServiceIdentity serviceIdentity(@Value("${spring.application.name}") String service,
      @Value("${parley.auth.service-secret:}") String secret) {
    return new ServiceIdentity(service, secret);
  }
}
