package dev.parley.context.conversation;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The W3C trace context a record carries. Kafka Streams passes a record's headers on to what it
 * forwards; a processor that makes a record of its own (a turn released by the clock) sets them
 * here, so the message's trace goes on through the records it causes.
 */
final class TraceHeaders {

  static final String TRACEPARENT = "traceparent";

  private TraceHeaders() {
  }

  /** The record's traceparent, or null. */
  static String traceParent(Headers headers) {
    Header header = headers.lastHeader(TRACEPARENT);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Headers carrying that traceparent (none when null). */
  static Headers of(String traceParent) {
    RecordHeaders headers = new RecordHeaders();
    if (traceParent != null) {
      headers.add(TRACEPARENT, traceParent.getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }
}
