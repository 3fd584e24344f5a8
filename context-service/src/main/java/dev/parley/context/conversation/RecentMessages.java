package dev.parley.context.conversation;

import dev.parley.events.ConversationMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What the state keeps of a conversation's messages: the last {@code kept}, each at most
 * {@value #KEPT_CHARACTERS} characters; and bounded lists of anything else it remembers.
 */
final class RecentMessages {

  private final int kept;

  RecentMessages(int kept) {
    this.kept = kept;
  }

  /**
   * A message as the state keeps it: at most {@value #KEPT_CHARACTERS} characters (the rest marked
   * cut), so the state of a conversation of long bursts stays far below the record limit.
   */
  static final int KEPT_CHARACTERS = 4_000;

  List<ConversationMessage> append(List<ConversationMessage> messages, ConversationMessage message) {
    if (message.getText().length() > KEPT_CHARACTERS) {
      int end = Character.isHighSurrogate(message.getText().charAt(KEPT_CHARACTERS - 1)) ? KEPT_CHARACTERS - 1 : KEPT_CHARACTERS;
      message = ConversationMessage.newBuilder(message).setText(message.getText().substring(0, end) + " […]").build();
    }
    List<ConversationMessage> next = new ArrayList<>(messages);
    next.add(message);
    return List.copyOf(next.subList(Math.max(0, next.size() - kept), next.size()));
  }

  /** The list with the item added at the end, keeping its last {@code max}. */
  static <T> List<T> appendBounded(List<T> list, T item, int max) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return List.copyOf(next.subList(Math.max(0, next.size() - max), next.size()));
  }

}
