package dev.parley.ingress.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.schemas.Keys;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whose conversation is it. Staff (agents, admins) read and act on every conversation of their
 * tenant; a customer only on the conversations they started; and everyone chats only in their own
 * conversations (staff reach a customer through agent messages, not by chatting as them).
 *
 * <p>A conversation someone else started answers 404, as if it did not exist: its existence is not
 * the caller's to learn. A conversation's owner never changes, so owners are cached; context-service
 * refuses a turn from anyone but the owner too, for a conversation two users start at once.
 */
@Component
public class ConversationAccess {

  private final ContextClient context;
  private final SecurityAudit audit;
  private final Cache<String, String> owners = Caffeine.newBuilder()
      .maximumSize(200_000).expireAfterAccess(Duration.ofHours(1)).build();

  public ConversationAccess(ContextClient context, SecurityAudit audit) {
    this.context = context;
    this.audit = audit;
  }

  /**
   * May the caller chat in this conversation: theirs, or one that does not exist yet, which they
   * then start (this instance remembers them as its owner, so they can follow it at once).
   */
  public Mono<Void> checkChat(Caller caller, String conversationId) {
    String key = Keys.of(caller.tenantId(), conversationId);
    return owner(caller, conversationId)
        // context-service cannot be asked right now (restarting, rebalancing): the message goes
        // through, and context-service, which refuses a turn from anyone but the owner, decides.
        .onErrorResume(e -> !(e instanceof NotYourConversation), e -> Mono.just(caller.userId()))
        .switchIfEmpty(Mono.fromSupplier(() -> owners.asMap().computeIfAbsent(key, k -> caller.userId())))
        .flatMap(owner -> owner.equals(caller.userId()) ? Mono.<Void>empty() : Mono.error(someoneElses(caller, conversationId)));
  }

  /** The caller starts a conversation under a new id of ingress's making (random, or derived from their own ids). */
  public void claimNew(Caller caller, String conversationId) {
    owners.asMap().putIfAbsent(Keys.of(caller.tenantId(), conversationId), caller.userId());
  }

  /** May the caller read or change this existing conversation. */
  public Mono<Void> checkUse(Caller caller, String conversationId) {
    if (caller.isStaff()) {
      return Mono.empty();
    }
    return owner(caller, conversationId)
        .switchIfEmpty(Mono.error(() -> notFound(conversationId)))
        .flatMap(owner -> owner.equals(caller.userId()) ? Mono.<Void>empty() : Mono.error(someoneElses(caller, conversationId)));
  }

  /**
   * May the caller follow this conversation's live feed: staff any, a customer their own (true),
   * or one that does not exist yet (false: the one their message is starting). Someone else's is
   * a 404 error.
   */
  public Mono<Boolean> checkFollow(Caller caller, String conversationId) {
    if (caller.isStaff()) {
      return Mono.just(true);
    }
    return owner(caller, conversationId)
        .onErrorResume(e -> Mono.empty()) // not known right now: checked again on the first event
        .flatMap(owner -> owner.equals(caller.userId()) ? Mono.just(true) : Mono.<Boolean>error(someoneElses(caller, conversationId)))
        .defaultIfEmpty(false);
  }

  /**
   * A feed {@link #checkFollow} allowed; when the conversation did not exist yet, whose it is is
   * checked again on its first event (it exists by then), and a feed of someone else's
   * conversation ends with 404 before any of it is shown.
   */
  public <T> Flux<T> guard(Caller caller, String conversationId, boolean confirmed, Flux<T> feed) {
    if (confirmed) {
      return feed;
    }
    return Flux.defer(() -> {
      AtomicBoolean checked = new AtomicBoolean(false);
      return feed.concatMap(event -> checked.get() ? Mono.just(event)
          : checkUse(caller, conversationId).then(Mono.fromRunnable(() -> checked.set(true))).thenReturn(event));
    });
  }


  private Mono<String> owner(Caller caller, String conversationId) {
    String key = Keys.of(caller.tenantId(), conversationId);
    String known = owners.getIfPresent(key);
    if (known != null) {
      return Mono.just(known);
    }
    return context.conversationOwner(caller.tenantId(), conversationId).doOnNext(owner -> owners.put(key, owner));
  }

  private static NotYourConversation notFound(String conversationId) {
    return new NotYourConversation(conversationId);
  }

  /** Someone else's conversation: a 404 to the caller, and an audit entry (it may be someone probing). */
  private NotYourConversation someoneElses(Caller caller, String conversationId) {
    audit.denied(caller, "conversation.access", "conversation " + conversationId, 404, "another user's conversation");
    return notFound(conversationId);
  }

  /** 404: no conversation of that id that the caller may see. */
  public static final class NotYourConversation extends ResponseStatusException {
    public NotYourConversation(String conversationId) {
      super(HttpStatus.NOT_FOUND, "no conversation " + conversationId);
    }
  }
}
