package dev.parley.context.analytics;

import dev.parley.analytics.AnalyticsCounts;
import dev.parley.events.AssistantReply;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.CustomerProfile;
import dev.parley.events.ReplyAuthor;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Contributions that depend on what came before, kept per key in a store of the analytics
 * application (rebuilt with it on a replay): a customer whose lead temperature changes, and the
 * time from a conversation's escalation to a person's first message in it. Each forwards the
 * contribution with the record's own time, so it lands in the windows of the change.
 */
final class Transitions {

  static final String LEAD_TEMPERATURES = "analytics-lead-temperatures";
  static final String ESCALATED_AT = "analytics-escalated-at";
  private static final Set<ConversationEventType> HANDOFF_EVENTS =
      EnumSet.of(ConversationEventType.ESCALATED, ConversationEventType.HANDED_BACK, ConversationEventType.CLOSED);

  private Transitions() {
  }

  /**
   * Customers reaching a lead temperature: a profile whose temperature differs from the last one
   * seen of that customer (a first profile reaches its temperature). Keyed by customer.
   */
  static KStream<String, AnalyticsCounts> leadChanges(StreamsBuilder builder, KStream<String, CustomerProfile> profiles) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_TEMPERATURES),
        Serdes.String(), Serdes.String()));
    return profiles.processValues(() -> new FixedKeyProcessor<String, CustomerProfile, AnalyticsCounts>() {
      private FixedKeyProcessorContext<String, AnalyticsCounts> context;
      private KeyValueStore<String, String> temperatures;

      @Override
      public void init(FixedKeyProcessorContext<String, AnalyticsCounts> context) {
        this.context = context;
        this.temperatures = context.getStateStore(LEAD_TEMPERATURES);
      }

      @Override
      public void process(FixedKeyRecord<String, CustomerProfile> record) {
        String now = record.value().getLeadTemperature();
        if (now.equals(temperatures.get(record.key()))) {
          return;
        }
        temperatures.put(record.key(), now);
        context.forward(record.withValue(AnalyticsCounts.newBuilder(Counts.empty(record.value().getTenantId()))
            .setLeadsReached(Map.of(now, 1L)).build()));
      }
    }, Named.as("analytics-lead-changes"), LEAD_TEMPERATURES);
  }

  /**
   * Time to a person: from a conversation's escalation to the first message an agent writes in it
   * afterwards. A conversation handed back or closed before any agent message is forgotten (it
   * measures nothing, and a later escalation starts its own clock). Keyed by conversation (events
   * and replies are partitioned alike).
   */
  static KStream<String, AnalyticsCounts> timeToPerson(StreamsBuilder builder, KStream<String, ConversationEvent> events,
      KStream<String, AssistantReply> replies) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ESCALATED_AT),
        Serdes.String(), Serdes.Long()));
    KStream<String, SpecificRecord> escalations = events
        .filter((key, event) -> HANDOFF_EVENTS.contains(event.getType()), Named.as("analytics-escalations"))
        .mapValues(event -> (SpecificRecord) event, Named.as("analytics-escalations-as-records"));
    KStream<String, SpecificRecord> agentMessages = replies
        .filter((key, reply) -> reply.getAuthor() == ReplyAuthor.AGENT, Named.as("analytics-agent-messages"))
        .mapValues(reply -> (SpecificRecord) reply, Named.as("analytics-agent-messages-as-records"));
    return escalations.merge(agentMessages, Named.as("analytics-handoffs"))
        .processValues(() -> new FixedKeyProcessor<String, SpecificRecord, AnalyticsCounts>() {
          private FixedKeyProcessorContext<String, AnalyticsCounts> context;
          private KeyValueStore<String, Long> escalatedAt;

          @Override
          public void init(FixedKeyProcessorContext<String, AnalyticsCounts> context) {
            this.context = context;
            this.escalatedAt = context.getStateStore(ESCALATED_AT);
          }

          @Override
          public void process(FixedKeyRecord<String, SpecificRecord> record) {
            if (record.value() instanceof ConversationEvent event) {
              if (event.getType() == ConversationEventType.ESCALATED) {
                escalatedAt.putIfAbsent(record.key(), event.getCreatedAt().toEpochMilli());
              } else {
                escalatedAt.delete(record.key()); // handed back or closed with no agent message
              }
              return;
            }
            AssistantReply agentMessage = (AssistantReply) record.value();
            Long since = escalatedAt.delete(record.key());
            if (since != null) {
              long millis = Math.max(0, agentMessage.getCreatedAt().toEpochMilli() - since);
              context.forward(record.withValue(AnalyticsCounts.newBuilder(Counts.empty(agentMessage.getTenantId()))
                  .setTimeToPerson(Counts.buffer(Sketches.latency(millis))).build()));
            }
          }
        }, Named.as("analytics-time-to-person"), ESCALATED_AT);
  }
}
