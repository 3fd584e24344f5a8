package dev.parley.schemas;

import dev.parley.events.ConversationEventType;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The names tenants' webhooks know events by: {@code reply}, {@code conversation.<type>} for
 * each conversation event ({@code conversation.escalated}, ...), and {@code alert.firing} and
 * {@code alert.resolved}. ingress validates subscriptions
 * against them and delivery-service labels deliveries with them, so they are written once.
 */
public final class WebhookEvents {

  public static final String REPLY = "reply";
  /** Every conversation event. */
  public static final String ALL_CONVERSATION_EVENTS = "conversation.*";

  /** An alert rule started or stopped firing. */
  public static final String ALERT_FIRING = "alert.firing";
  public static final String ALERT_RESOLVED = "alert.resolved";
  public static final String ALL_ALERTS = "alert.*";

  /** Every name a webhook may subscribe to. */
  public static final Set<String> SUBSCRIBABLE = Stream.concat(
          Stream.of(REPLY, ALL_CONVERSATION_EVENTS, ALERT_FIRING, ALERT_RESOLVED, ALL_ALERTS),
          Stream.of(ConversationEventType.values()).map(WebhookEvents::of))
      .collect(Collectors.toUnmodifiableSet());

  private WebhookEvents() {
  }

  /** The name of a conversation event: "conversation.escalated". */
  public static String of(ConversationEventType type) {
    return "conversation." + type.name().toLowerCase(Locale.ROOT);
  }
}
