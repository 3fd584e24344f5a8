package dev.parley.context.conversation;

import dev.parley.events.InboundMessage;
import dev.parley.events.UserTurn;
import dev.parley.schemas.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Turns inbound messages into user turns, dropping any message id already seen for the tenant
 * within the retention of the seen-messages store (client retries, provider redeliveries).
 *
 * <p>Each message becomes its own turn here; combining bursts (debounce) is a later step. The
 * turn id derives from the message id, so re-processing after a crash yields the same turn id.
 */
final class TurnFormer implements Processor<String, InboundMessage, String, UserTurn> {

  private final Duration dedupWindow;
  private ProcessorContext<String, UserTurn> context;
  private WindowStore<String, Long> seen;

  TurnFormer(Duration dedupWindow) {
    this.dedupWindow = dedupWindow;
  }

  @Override
  public void init(ProcessorContext<String, UserTurn> context) {
    this.context = context;
    this.seen = context.getStateStore(ConversationTopology.SEEN_MESSAGES_STORE);
  }

  @Override
  public void process(Record<String, InboundMessage> record) {
    InboundMessage message = record.value();
    if (message == null) {
      return;
    }
    String seenKey = Keys.of(message.getTenantId(), message.getMessageId());
    long now = record.timestamp();
    try (WindowStoreIterator<Long> earlier = seen.fetch(seenKey, now - dedupWindow.toMillis(), now)) {
      if (earlier.hasNext()) {
        return; // a duplicate: the first copy already made a turn
      }
    }
    seen.put(seenKey, now, now);
    UserTurn turn = UserTurn.newBuilder()
        .setEventId(Keys.derivedId("turn", message.getTenantId(), message.getMessageId()))
        .setTenantId(message.getTenantId())
        .setConversationId(message.getConversationId())
        .setMessageIds(List.of(message.getMessageId()))
        .setUserId(message.getUserId())
        .setText(message.getText())
        .setChannel(message.getChannel())
        .setDealId(message.getDealId())
        .setCustomerId(message.getCustomerId())
        .setFirstReceivedAt(message.getReceivedAt())
        .setCreatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .build();
    context.forward(record.withValue(turn));
  }
}
