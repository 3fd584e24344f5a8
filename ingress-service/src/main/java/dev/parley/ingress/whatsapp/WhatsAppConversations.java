package dev.parley.ingress.whatsapp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.schemas.Keys;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Which conversation a WhatsApp message belongs to: the chat's latest conversation, unless it was
 * closed, in which case the next one. Conversation ids are {@code wa-<chat hash>-<n>}: derived, so
 * every message of a first burst (before context-service has seen any of them) lands in the same
 * conversation, and a closed conversation is never reused.
 *
 * <p>Keyed lookups only, never a scan of the tenant's conversations: starting from the chat's latest
 * number this instance knows (1 for a chat it has not seen), conversation {@code n} is looked up by
 * its key; closed means {@code n + 1} is next. However many conversations the tenant has, a message
 * costs one lookup (two when its chat's conversation was just closed).
 */
@Component
class WhatsAppConversations {

  private static final Logger log = LoggerFactory.getLogger(WhatsAppConversations.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  /** A chat with more closed conversations than this is taken to start anew here (never reached in practice). */
  private static final int MAX_STEPS = 50;

  private final ContextClient context;
  /** The latest conversation number of a chat, as this instance last found it. */
  private final Cache<String, Integer> latest = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(Duration.ofHours(6)).build();

  WhatsAppConversations(ContextClient context) {
    this.context = context;
  }

  Mono<String> resolve(String tenant, String channelId, String chatId) {
    String prefix = "wa-" + Keys.derivedId("whatsapp", tenant, channelId, chatId).substring(0, 18) + "-";
    String chat = Keys.of(tenant, prefix);
    int start = latest.asMap().getOrDefault(chat, 1);
    return openFrom(tenant, prefix, start, 0)
        .doOnNext(n -> latest.put(chat, n))
        .map(n -> prefix + n)
        .onErrorResume(e -> {
          // Accept the message anyway (nothing accepted is lost): the chat's latest known
          // conversation is the best guess while context-service cannot be asked.
          log.warn("could not look up the conversation of a WhatsApp chat of tenant {}: {}", tenant, e.toString());
          return Mono.just(prefix + start);
        });
  }

  /** The first of the chat's conversations from {@code n} on that is not closed (or does not exist yet). */
  private Mono<Integer> openFrom(String tenant, String prefix, int n, int steps) {
    return context.conversationSummary(tenant, prefix + n).timeout(TIMEOUT)
        .map(view -> "CLOSED".equals(view.path("status").asString()))
        .defaultIfEmpty(false)
        .flatMap(closed -> closed && steps < MAX_STEPS ? openFrom(tenant, prefix, n + 1, steps + 1) : Mono.just(n));
  }
}
