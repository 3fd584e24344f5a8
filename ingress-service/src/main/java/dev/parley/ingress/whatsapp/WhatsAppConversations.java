package dev.parley.ingress.whatsapp;

import dev.parley.ingress.downstream.ContextClient;
import dev.parley.schemas.Keys;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Which conversation a WhatsApp message belongs to: the chat's latest conversation, unless it was
 * closed, in which case the next one. Conversation ids are {@code wa-<chat hash>-<n>}: derived, so
 * every message of a first burst (before context-service has seen any of them) lands in the same
 * conversation, and a closed conversation is never reused.
 */
@Component
class WhatsAppConversations {

  private static final Logger log = LoggerFactory.getLogger(WhatsAppConversations.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final ContextClient context;

  WhatsAppConversations(ContextClient context) {
    this.context = context;
  }

  Mono<String> resolve(String tenant, String channelId, String chatId) {
    String prefix = "wa-" + Keys.derivedId("whatsapp", tenant, channelId, chatId).substring(0, 18) + "-";
    return context.conversations(tenant, new ContextClient.ConversationQuery(null, chatId, null, null, null, null, 0, 200))
        .timeout(TIMEOUT)
        .map(page -> {
          int latest = 0;
          boolean closed = false;
          for (JsonNode item : page.get("items")) {
            String id = item.get("conversationId").asString();
            if (id.startsWith(prefix)) {
              int n = Integer.parseInt(id.substring(prefix.length()));
              if (n > latest) {
                latest = n;
                closed = "CLOSED".equals(item.get("status").asString());
              }
            }
          }
          return prefix + (latest == 0 ? 1 : closed ? latest + 1 : latest);
        })
        .onErrorResume(e -> {
          // Accept the message anyway (nothing accepted is lost); the first conversation of the
          // chat is the best guess while context-service cannot be asked.
          log.warn("could not look up the conversation of a WhatsApp chat of tenant {}: {}", tenant, e.toString());
          return Mono.just(prefix + 1);
        });
  }
}
