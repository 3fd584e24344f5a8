package dev.parley.context;

import dev.parley.context.conversation.DebounceGaps;
import dev.parley.events.ChannelType;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * context-service settings ({@code parley.context.*}).
 *
 * @param dedupWindow     how long a message id is remembered (at least 24 h)
 * @param keptMessages    messages kept in conversation state
 * @param historyMessages messages given to the model with a turn
 * @param debounce        how bursts are combined into turns
 * @param replyDeadline   how long a turn waits for its answer before the customer gets the fallback
 */
@ConfigurationProperties("parley.context")
record ContextProperties(
    @DefaultValue("PT24H") Duration dedupWindow,
    @DefaultValue("20") int keptMessages,
    @DefaultValue("10") int historyMessages,
    @DefaultValue Debounce debounce,
    @DefaultValue("PT30S") Duration replyDeadline) {

  /**
   * @param defaults gap per channel (default: WHATSAPP 3 s); channels not named have none
   * @param tenants  per-tenant overrides: tenant id → channel → gap
   * @param maxWait  the longest a burst is held after its first message
   * @param tick     how often due bursts are released (wall clock)
   */
  record Debounce(
      Map<ChannelType, Duration> defaults,
      Map<String, Map<ChannelType, Duration>> tenants,
      @DefaultValue("PT15S") Duration maxWait,
      @DefaultValue("PT0.2S") Duration tick) {

    Debounce {
      defaults = defaults == null ? DebounceGaps.standard().defaults() : defaults;
      tenants = tenants == null ? Map.of() : tenants;
    }
  }
}
