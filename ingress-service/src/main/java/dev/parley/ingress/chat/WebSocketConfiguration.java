package dev.parley.ingress.chat;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Maps {@code /ai/ws} to the chat WebSocket. A frame larger than {@value #MAX_FRAME} bytes (a chat
 * message is at most 4,000 characters) closes the socket at once (a protocol close, 1002 or 1009): the
 * protocol's own clear error, and no unbounded frame is ever buffered.
 */
@Configuration
class WebSocketConfiguration {

  static final int MAX_FRAME = 64 * 1024;

  @Bean
  HandlerMapping chatWebSocket(ChatWebSocketHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/ai/ws", handler), -1);
  }

  @Bean
  WebSocketHandlerAdapter webSocketHandlerAdapter() {
    return new WebSocketHandlerAdapter(new HandshakeWebSocketService(
        new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME))));
  }
}
