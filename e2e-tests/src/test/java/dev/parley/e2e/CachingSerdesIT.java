package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.InboundMessage;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.TokenUsage;
import dev.parley.events.ReplyStatus;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Parley's serdes do Apicurio's schema work once per topic and record type (the hot path's largest
 * cost before), and must stay Apicurio's wire format exactly: what they write, Apicurio reads, and
 * the other way round, against the real registry.
 */
class CachingSerdesIT {

  @Test
  void writesApicuriosWireFormatAndReadsIt() {
    String registry = Pipeline.stack().registryUrl();
    var ours = new AvroSerdes(registry).<SpecificRecord>anyRecordSerde();
    AvroKafkaSerializer<SpecificRecord> apicurioWriter = new AvroKafkaSerializer<>();
    apicurioWriter.configure(AvroSerdes.properties(registry), false);
    AvroKafkaDeserializer<SpecificRecord> apicurioReader = new AvroKafkaDeserializer<>();
    apicurioReader.configure(AvroSerdes.properties(registry), false);

    for (SpecificRecord record : List.of(message("m-1", "first"), message("m-2", "second, once the schema id is kept"),
        reply("r-1"), message("m-3", "third"), reply("r-2"))) {
      String topic = record instanceof InboundMessage ? Topics.INBOUND_MESSAGES.name() : Topics.REPLIES.name();
      byte[] written = ours.serializer().serialize(topic, record);

      assertThat(written).as("same bytes as Apicurio's serializer").isEqualTo(apicurioWriter.serialize(topic, record));
      assertThat(apicurioReader.deserialize(topic, written)).as("Apicurio reads ours").isEqualTo(record);
      assertThat(ours.deserializer().deserialize(topic, apicurioWriter.serialize(topic, record))).as("we read Apicurio's")
          .isEqualTo(record);
      assertThat(ours.deserializer().deserialize(topic, written)).isEqualTo(record);
    }
  }

  @Test
  void keepsWritingWhileTheRegistryIsUnavailableOnceTheSchemaIsKnown() {
    var stack = Pipeline.stack();
    var serializer = new AvroSerdes(stack.registryUrl()).<SpecificRecord>anyRecordSerde().serializer();
    String topic = Topics.INBOUND_MESSAGES.name();
    byte[] first = serializer.serialize(topic, message("m-10", "hello"));
    stack.freeze("schema-registry");
    try {
      byte[] later = serializer.serialize(topic, message("m-11", "hello again"));
      assertThat(later).startsWith(java.util.Arrays.copyOf(first, 9)); // magic byte and the same schema id
    } finally {
      stack.thaw("schema-registry");
    }
  }

  private static InboundMessage message(String id, String text) {
    return InboundMessage.newBuilder().setEventId("e-" + id).setTenantId("acme-motors").setConversationId("conv-serdes")
        .setMessageId(id).setUserId("c-1001").setText(text)
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.API).setMetadata(Map.of("page", "/cars")).build())
        .setReceivedAt(Instant.ofEpochMilli(1_760_000_000_000L)).build();
  }

  private static AssistantReply reply(String id) {
    return AssistantReply.newBuilder().setEventId(id).setTenantId("acme-motors").setConversationId("conv-serdes")
        .setTurnId("t-" + id).setMessageIds(List.of("m-1")).setChannel(ChannelInfo.newBuilder().setType(ChannelType.API)
            .setMetadata(Map.of()).build())
        .setText("The RAV4 Hybrid XSE is in stock.").setStatus(ReplyStatus.ANSWERED)
        .setIntent(Intent.newBuilder().setName("inventory").setConfidence(0.9).build())
        .setModel(ModelInfo.newBuilder().setName("offline").setProvider("parley").setOffline(true).build())
        .setUsage(TokenUsage.newBuilder().setInputTokens(120).setOutputTokens(30).build())
        .setProcessingTimeMs(12).setCreatedAt(Instant.ofEpochMilli(1_760_000_000_000L))
        .build();
  }
}
