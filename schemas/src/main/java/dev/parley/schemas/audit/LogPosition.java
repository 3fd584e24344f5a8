package dev.parley.schemas.audit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a record is on the conversation log: {@code topic/partition/offset}. An export names every
 * line's position, and resumes after the last one a client received.
 */
public record LogPosition(String topic, int partition, long offset) {

  private static final Pattern FORMAT = Pattern.compile("([A-Za-z0-9._-]{1,249})/(\\d{1,9})/(\\d{1,19})");

  /** Reads {@code topic/partition/offset}; a position not on the conversation log is refused. */
  public static LogPosition parse(String text) {
    Matcher matcher = FORMAT.matcher(text == null ? "" : text.strip());
    if (!matcher.matches() || ConversationLog.of(matcher.group(1)).isEmpty()) {
      throw new IllegalArgumentException("a position is topic/partition/offset on a conversation topic, like parley.replies/3/1042");
    }
    try {
      return new LogPosition(matcher.group(1), Integer.parseInt(matcher.group(2)), Long.parseLong(matcher.group(3)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a position's partition or offset is too large", e);
    }
  }

  @Override
  public String toString() {
    return topic + "/" + partition + "/" + offset;
  }
}
