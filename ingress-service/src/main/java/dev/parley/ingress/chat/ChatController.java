package dev.parley.ingress.chat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ReplyChunk;
import dev.parley.ingress.conversation.ConversationAccess;
import dev.parley.ingress.gateway.ConversationFeeds;
import dev.parley.ingress.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /ai/chat} publishes the message and, by default, waits for the assistant's reply;
 * with {@code Prefer: respond-async} it answers 202 at once with the URL of the SSE stream of the
 * reply. {@code GET /ai/conversations/{id}/stream} is that stream: "chunk" events while the reply
 * is generated, then a "reply" event.
 *
 * <p>Does not keep conversations: context-service does. The tenant always comes from the token,
 * so one tenant can never publish into or follow another tenant's conversation.
 */
@RestController
class ChatController {

  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final ChatAdmission admission;
  private final ChatPublisher publisher;
  private final ConversationFeeds feeds;
  private final ConversationAccess access;
  private final Duration replyTimeout;

  ChatController(ChatAdmission admission, ChatPublisher publisher, ConversationFeeds feeds, ConversationAccess access,
      @Value("${parley.chat.reply-timeout:PT35S}") Duration replyTimeout) {
    this.admission = admission;
    this.publisher = publisher;
    this.feeds = feeds;
    this.access = access;
    this.replyTimeout = replyTimeout;
  }

  @PostMapping(path = "/ai/chat", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Object>> chat(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody ChatRequest request,
      @RequestHeader(name = "Prefer", required = false) String prefer) {
    return admission.admit(Caller.of(jwt), request).flatMap(admitted -> {
      ChatPublisher.Ids ids = admitted.ids();
      URI stream = UriComponentsBuilder.fromPath("/ai/conversations/{id}/stream")
          .queryParam("messageId", ids.messageId()).build(ids.conversationId());
      if (prefer != null && prefer.contains("respond-async")) {
        return publisher.publish(admitted).thenReturn(ResponseEntity.accepted()
            .location(stream).header("Preference-Applied", "respond-async")
            .body((Object) new ChatAccepted(ids.conversationId(), ids.messageId(), stream.toString())));
      }
      // Follow the conversation before publishing, so the answer cannot slip past unseen.
      CompletableFuture<SpecificRecord> answer = feeds.answerTo(admitted.caller().tenantId(), ids.conversationId(), ids.messageId())
          .timeout(replyTimeout, Mono.error(() -> new ReplyTimeoutException(replyTimeout, stream)))
          .toFuture();
      return publisher.publish(admitted)
          .doOnError(e -> answer.cancel(true))
          .then(Mono.fromFuture(answer, true))
          .map(found -> respond(found, ids, stream));
    });
  }

  /**
   * The reply (200); or, while a person has the conversation, 202 saying they will answer here
   * (the message is theirs, the bot stays silent); or 404 when the conversation turned out to be
   * someone else's (two users started the same id at once).
   */
  private static ResponseEntity<Object> respond(SpecificRecord answer, ChatPublisher.Ids ids, URI stream) {
    if (answer instanceof AssistantReply reply) {
      return ResponseEntity.ok().body(ChatResponse.of(reply, ids.messageId()));
    }
    if (answer instanceof ConversationEvent) {
      return ResponseEntity.accepted().location(stream).body(new ChatAccepted.WithPerson(ids.conversationId(), ids.messageId(),
          "ESCALATED", "A person from our team has this conversation and will answer you here shortly.",
          UriComponentsBuilder.fromPath("/ai/conversations/{id}/stream").build(ids.conversationId()).toString()));
    }
    throw new ConversationAccess.NotYourConversation(ids.conversationId());
  }

  @GetMapping(path = "/ai/conversations/{conversationId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<Object>> stream(@AuthenticationPrincipal Jwt jwt,
      @PathVariable @Pattern(regexp = ChatRequest.ID, message = "conversationId " + ChatRequest.ID_RULE) String conversationId,
      @RequestParam(required = false) @Pattern(regexp = ChatRequest.ID, message = "messageId " + ChatRequest.ID_RULE) String messageId) {
    Caller caller = Caller.of(jwt);
    return access.checkFollow(caller, conversationId).flatMapMany(confirmed -> {
      Flux<SpecificRecord> events = access.guard(caller, conversationId, confirmed, feeds.follow(caller.tenantId(), conversationId));
      if (messageId != null) {
        // Following one message: its chunks, then its reply, then the stream ends.
        events = events.filter(event -> ConversationFeeds.answers(event, messageId));
      }
      Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(HEARTBEAT)
          .map(tick -> ServerSentEvent.builder().comment("heartbeat").build());
      // The first comment opens the stream at once, so a client knows it is following.
      return Flux.merge(events.map(event -> toSse(event, messageId)), heartbeats)
          .startWith(ServerSentEvent.builder().comment("following " + conversationId).build())
          // Following one message ends with its answer: the reply, or the word that a person will answer.
          .takeUntil(event -> messageId != null && ("reply".equals(event.event()) || "conversation".equals(event.event())));
    });
  }

  private static ServerSentEvent<Object> toSse(SpecificRecord event, String messageId) {
    if (event instanceof ConversationEvent happened) {
      return ServerSentEvent.builder().id(happened.getEventId()).event("conversation")
          .data((Object) ConversationEventView.of(happened)).build();
    }
    if (event instanceof ReplyChunk chunk) {
      return ServerSentEvent.builder()
          .id(chunk.getReplyId() + ":" + chunk.getSequence())
          .event("chunk")
          .data((Object) new ChunkEvent(chunk.getReplyId(), chunk.getSequence(), chunk.getText()))
          .build();
    }
    AssistantReply reply = (AssistantReply) event;
    String answered = messageId != null ? messageId : reply.getMessageIds().get(reply.getMessageIds().size() - 1);
    return ServerSentEvent.builder()
        .id(reply.getEventId())
        .event("reply")
        .data((Object) ChatResponse.of(reply, answered))
        .build();
  }
}
