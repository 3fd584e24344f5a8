package dev.parley.ingress.chat;

import dev.parley.ingress.conversation.ConversationAccess;
import dev.parley.ingress.downstream.ContextClient;
import dev.parley.ingress.ratelimit.RateLimitExceeded;
import dev.parley.ingress.ratelimit.RateLimits;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.ingress.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Decides whether a chat message may be accepted, and as whom, before anything is published; the
 * same for HTTP and the WebSocket.
 *
 * <ul>
 *   <li>A customer writes as the customer their token names: a different {@code customerId} in the
 *       body is refused (403), never used.</li>
 *   <li>A {@code dealId} is honoured only when the CRM says the deal is the customer's (403
 *       otherwise); staff who name a deal without a customer write about the deal's customer.</li>
 *   <li>Everyone chats only in conversations they started, or starts a new one (404 otherwise).</li>
 *   <li>Within the user's and the tenant's rate limits (429 with {@code Retry-After} otherwise).</li>
 * </ul>
 */
@Component
class ChatAdmission {

  /** A message that may be published: its ids, and the CRM customer and deal it is about. */
  record Admitted(Caller caller, ChatPublisher.Ids ids, String customerId, String dealId, ChatRequest request) {
  }

  private final ContextClient context;
  private final ConversationAccess access;
  private final RateLimits limits;
  private final SecurityAudit audit;

  ChatAdmission(ContextClient context, ConversationAccess access, RateLimits limits, SecurityAudit audit) {
    this.context = context;
    this.access = access;
    this.limits = limits;
    this.audit = audit;
  }

  Mono<Admitted> admit(Caller caller, ChatRequest request) {
    ChatPublisher.Ids ids = ChatPublisher.Ids.of(caller, request);
    String customerId;
    if (caller.isCustomer()) {
      if (request.customerId() != null && !request.customerId().equals(caller.customerId())) {
        audit.denied(caller, "chat.customer", "customer " + request.customerId(), 403, "a customer wrote as another customer");
        return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN,
            "customerId comes from your token: you can only write as yourself"));
      }
      customerId = caller.customerId();
    } else {
      customerId = request.customerId();
    }
    Mono<String> customer = request.dealId() == null ? Mono.justOrEmpty(customerId)
        : context.dealCustomer(caller.tenantId(), request.dealId())
            .filter(owner -> customerId == null || owner.equals(customerId))
            .switchIfEmpty(Mono.error(() -> {
              audit.denied(caller, "chat.deal", "deal " + request.dealId(), 403, "the deal is not the customer's");
              return new ResponseStatusException(HttpStatus.FORBIDDEN,
                  "deal " + request.dealId() + " is not " + (customerId == null ? "a deal the CRM knows" : "a deal of this customer"));
            }));
    Mono<Void> conversation = request.conversationId() == null
        ? Mono.fromRunnable(() -> access.claimNew(caller, ids.conversationId()))
        : access.checkChat(caller, ids.conversationId());
    // The rate limit last: a message refused for another reason uses none of the sender's allowance.
    return conversation.then(customer.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
        .flatMap(found -> limits.checkMessage(caller.tenantId(), caller.userId()).thenReturn(found))
        .doOnError(RateLimitExceeded.class, e -> audit.denied(caller, "rate-limit.exceeded", "chat", 429, e.getBody().getDetail()))
        .map(found -> new Admitted(caller, ids, found.orElse(null), request.dealId(), request));
  }
}
