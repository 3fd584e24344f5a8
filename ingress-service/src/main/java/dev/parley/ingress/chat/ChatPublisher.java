package dev.parley.ingress.chat;

import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.InboundMessage;
import dev.parley.ingress.security.Caller;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Turns an accepted chat request into an inbound-message event on Kafka. */
@Component
class ChatPublisher {

  private final KafkaTemplate<String, SpecificRecord> kafka;

  ChatPublisher(KafkaTemplate<String, SpecificRecord> kafka) {
    this.kafka = kafka;
  }

  /** The ids a request will be published under. */
  record Ids(String conversationId, String messageId) {

    /**
     * A retried request without a conversation id must land in the same conversation as the
     * first try, or de-duplication (per conversation partition) could not see it: so when the
     * client gives a message id, the new conversation id derives from it.
     */
    static Ids of(Caller caller, ChatRequest request) {
      String messageId = request.messageId() != null ? request.messageId() : UUID.randomUUID().toString();
      String conversationId = request.conversationId() != null ? request.conversationId()
          : request.messageId() != null ? Keys.derivedId("conversation", caller.tenantId(), caller.userId(), messageId)
          : UUID.randomUUID().toString();
      return new Ids(conversationId, messageId);
    }
  }

  Mono<Void> publish(ChatAdmission.Admitted admitted) {
    Caller caller = admitted.caller();
    Ids ids = admitted.ids();
    ChatRequest request = admitted.request();
    ChatRequest.Channel channel = request.channel();
    InboundMessage message = InboundMessage.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(caller.tenantId())
        .setConversationId(ids.conversationId())
        .setMessageId(ids.messageId())
        .setUserId(caller.userId())
        .setText(request.message())
        .setChannel(ChannelInfo.newBuilder()
            .setType(channel != null && channel.type() != null ? ChannelType.valueOf(channel.type()) : ChannelType.API)
            .setMetadata(channel != null && channel.metadata() != null ? channel.metadata() : Map.of())
            .build())
        .setDealId(admitted.dealId())
        .setCustomerId(admitted.customerId())
        .setReceivedAt(Instant.now())
        .build();
    return Mono.fromFuture(() -> kafka.send(Topics.INBOUND_MESSAGES.name(),
            Keys.of(caller.tenantId(), ids.conversationId()), message))
        .onErrorMap(e -> new MessageNotAcceptedException(e))
        .then();
  }

  /** Kafka did not take the message: the client may retry with the same message id. */
  static final class MessageNotAcceptedException extends RuntimeException {
    MessageNotAcceptedException(Throwable cause) {
      super("the message could not be accepted: " + cause.getClass().getSimpleName(), cause);
    }
  }
}
