package dev.parley.ingress.chat;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/** Maps {@code /ai/ws} to the chat WebSocket. */
@Configuration
class WebSocketConfiguration {

  @Bean
  HandlerMapping chatWebSocket(ChatWebSocketHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/ai/ws", handler), -1);
  }
}
