package dev.parley.schemas.audit;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/** One record of the conversation log as it is on the topic: key, value bytes (Avro with its schema id), headers and time. */
public record LogRecord(ConversationLog source, LogPosition position, String key, Instant timestamp, byte[] value, Headers headers) {
}
