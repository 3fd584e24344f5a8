package dev.parley.llm.dispatch;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Answering a turn is a span of the trace its record carries (the W3C headers the customer's
 * message started with): the model call, the tool calls and every record sent while answering
 * are its children, so one message is one trace.
 */
final class TurnTraces {

  private TurnTraces() {
  }

  static Observation answering(ObservationRegistry observations, ConsumerRecord<String, byte[]> record) {
    ReceiverContext<ConsumerRecord<String, byte[]>> context = new ReceiverContext<>(TurnTraces::header);
    context.setCarrier(record);
    context.setRemoteServiceName("kafka");
    return Observation.createNotStarted("parley.turn.answer", () -> context, observations)
        .contextualName("answer turn")
        .lowCardinalityKeyValue("messaging.system", "kafka")
        .lowCardinalityKeyValue("messaging.destination.name", record.topic());
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
