package dev.parley.ingress.chat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ReplyChunk;
import dev.parley.ingress.conversation.ConversationAccess;
import dev.parley.ingress.gateway.ConversationFeeds;
import org.springframework.web.server.ResponseStatusException;
import dev.parley.ingress.security.Caller;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ai/ws}: the chat over a WebSocket, authenticated like the HTTP API (bearer token in the
 * Authorization header, or {@code access_token} in the query for browsers).
 *
 * <p>Client to server: {@code chat_message} (the fields of {@code POST /ai/chat} plus
 * {@code type}), {@code resume} ({@code conversationId} and {@code after}, the id of the last
 * event it saw) and {@code ping} (with the client's {@code sentAt} in epoch milliseconds).
 * Server to client: {@code connection_status} (server time, and the latency measured from a
 * ping), {@code typing_indicator}, {@code reply_chunk} in sequence order, {@code assistant_response}
 * (intent, confidence, actions, processing time), {@code heartbeat} every 15 s, and {@code error}.
 *
 * <p>Every ingress instance sees every reply (its gateway reads all partitions), so whichever
 * instance holds the socket delivers its chunks. A reconnecting client that sends {@code resume}
 * gets the events after the one it names, from the feed's recent history.
 */
@Component
class ChatWebSocketHandler implements WebSocketHandler {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final ChatAdmission admission;
  private final ChatPublisher publisher;
  private final ConversationFeeds feeds;
  private final ConversationAccess access;
  private final Validator validator;

  ChatWebSocketHandler(ChatAdmission admission, ChatPublisher publisher, ConversationFeeds feeds, ConversationAccess access,
      Validator validator) {
    this.admission = admission;
    this.publisher = publisher;
    this.feeds = feeds;
    this.access = access;
    this.validator = validator;
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    return ReactiveSecurityContextHolder.getContext()
        .map(context -> Caller.of(((JwtAuthenticationToken) context.getAuthentication()).getToken()))
        .flatMap(caller -> converse(session, caller));
  }

  private Mono<Void> converse(WebSocketSession session, Caller caller) {
    Sinks.Many<Map<String, Object>> out = Sinks.many().unicast().onBackpressureBuffer();
    AtomicReference<String> following = new AtomicReference<>();
    Sinks.Many<Flux<Map<String, Object>>> conversations = Sinks.many().unicast().onBackpressureBuffer();

    Mono<Void> inbound = session.receive().map(WebSocketMessage::getPayloadAsText).concatMap(text -> {
      JsonNode message;
      try {
        message = JSON.readTree(text);
      } catch (RuntimeException e) {
        return emit(out, error("malformed JSON"));
      }
      return switch (message.path("type").asString("")) {
        case "chat_message" -> chat(caller, message, out, following, conversations);
        case "resume" -> {
          String conversationId = message.path("conversationId").asString("");
          if (!conversationId.matches(ChatRequest.ID)) {
            yield emit(out, error("resume needs a valid conversationId"));
          }
          follow(caller, conversationId, message.path("after").asString(null), following, conversations);
          yield Mono.empty();
        }
        case "ping" -> emit(out, status(message.path("sentAt").asLong(0)));
        default -> emit(out, error("unknown message type; use chat_message, resume or ping"));
      };
    }).then();

    Flux<Map<String, Object>> heartbeats = Flux.interval(HEARTBEAT).map(tick -> Map.of("type", "heartbeat",
        "serverTime", Instant.now().toString()));
    Flux<Map<String, Object>> events = Flux.merge(Flux.just(status(0)), out.asFlux(),
        Flux.switchOnNext(conversations.asFlux()), heartbeats);
    Mono<Void> outbound = session.send(events.map(event -> session.textMessage(JSON.writeValueAsString(event))));
    return Mono.zip(inbound, outbound).then();
  }

  private Mono<Void> chat(Caller caller, JsonNode message, Sinks.Many<Map<String, Object>> out,
      AtomicReference<String> following, Sinks.Many<Flux<Map<String, Object>>> conversations) {
    ChatRequest request;
    try {
      request = JSON.treeToValue(((tools.jackson.databind.node.ObjectNode) message).without("type"), ChatRequest.class);
    } catch (RuntimeException e) {
      return emit(out, error("chat_message is not a valid chat request"));
    }
    Set<ConstraintViolation<ChatRequest>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      return emit(out, error(violations.stream().map(ConstraintViolation::getMessage).sorted().collect(Collectors.joining("; "))));
    }
    return admission.admit(caller, request).flatMap(admitted -> {
      ChatPublisher.Ids ids = admitted.ids();
      if (!ids.conversationId().equals(following.get())) {
        follow(caller, ids.conversationId(), null, following, conversations);
      }
      return publisher.publish(admitted)
          .then(emit(out, Map.of("type", "typing_indicator", "conversationId", ids.conversationId(),
              "messageId", ids.messageId(), "typing", true)))
          .onErrorResume(e -> emit(out, error("the message could not be accepted right now; send it again with the same messageId")));
    }).onErrorResume(ResponseStatusException.class, refused -> emit(out, error(refused.getReason(), refused.getStatusCode().value())));
  }

  /** Switches the socket to a conversation's feed; with {@code after}, only what came after that event. */
  private void follow(Caller caller, String conversationId, String after, AtomicReference<String> following,
      Sinks.Many<Flux<Map<String, Object>>> conversations) {
    following.set(conversationId);
    Flux<SpecificRecord> feed = access.checkFollow(caller, conversationId).flatMapMany(confirmed ->
        access.guard(caller, conversationId, confirmed, feeds.follow(caller.tenantId(), conversationId)));
    if (after != null && !after.isBlank()) {
      boolean[] seen = {false};
      feed = feed.filter(event -> {
        if (seen[0]) {
          return true;
        }
        seen[0] = id(event).equals(after);
        return false;
      });
    }
    // Someone else's conversation: an error message, and the socket stays open for the caller's own.
    conversations.tryEmitNext(feed.map(ChatWebSocketHandler::toMessage)
        .onErrorResume(ResponseStatusException.class, refused -> Flux.just(error(refused.getReason(), refused.getStatusCode().value()))));
  }

  private static String id(SpecificRecord event) {
    if (event instanceof ConversationEvent happened) {
      return happened.getEventId();
    }
    return event instanceof ReplyChunk chunk ? chunk.getEventId() : ((AssistantReply) event).getEventId();
  }

  private static Map<String, Object> toMessage(SpecificRecord event) {
    Map<String, Object> message = new LinkedHashMap<>();
    if (event instanceof ConversationEvent happened) {
      // Escalated, handed back, closed; and while a person has the conversation, that they got the message.
      message.put("type", "conversation_event");
      message.put("eventId", happened.getEventId());
      message.put("event", ConversationEventView.of(happened));
      return message;
    }
    if (event instanceof ReplyChunk chunk) {
      message.put("type", "reply_chunk");
      message.put("eventId", chunk.getEventId());
      message.put("conversationId", chunk.getConversationId());
      message.put("replyId", chunk.getReplyId());
      message.put("sequence", chunk.getSequence());
      message.put("text", chunk.getText());
      return message;
    }
    AssistantReply reply = (AssistantReply) event;
    message.put("type", "assistant_response");
    message.put("eventId", reply.getEventId());
    String answered = reply.getMessageIds().isEmpty() ? null : reply.getMessageIds().get(reply.getMessageIds().size() - 1);
    message.put("response", ChatResponse.of(reply, answered));
    return message;
  }

  private static Map<String, Object> status(long clientSentAt) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("type", "connection_status");
    status.put("status", "connected");
    status.put("serverTime", Instant.now().toString());
    if (clientSentAt > 0) {
      status.put("latencyMs", Math.max(0, System.currentTimeMillis() - clientSentAt));
    }
    return status;
  }

  private static Map<String, Object> error(String detail) {
    return Map.of("type", "error", "detail", detail);
  }

  /** An error with the HTTP status the same request would have had (403, 404, 429). */
  private static Map<String, Object> error(String detail, int status) {
    return Map.of("type", "error", "detail", detail == null ? "refused" : detail, "status", status);
  }

  private static Mono<Void> emit(Sinks.Many<Map<String, Object>> out, Map<String, Object> message) {
    return Mono.fromRunnable(() -> out.emitNext(message, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100))));
  }
}
