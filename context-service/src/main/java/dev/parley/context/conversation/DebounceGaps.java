package dev.parley.context.conversation;

import dev.parley.events.ChannelType;
import java.time.Duration;
import java.util.Map;

/**
 * How long to wait for more messages before a burst becomes one turn, per channel, with
 * per-tenant overrides. A gap of zero answers every message on its own (web chat); WhatsApp users
 * send thoughts in pieces, so their default is three seconds.
 *
 * @param defaults  gap per channel; a channel not named has no gap
 * @param perTenant overrides per tenant id and channel
 * @param maxWait   a burst is released at the latest this long after its first message, however many follow
 */
public record DebounceGaps(Map<ChannelType, Duration> defaults, Map<String, Map<ChannelType, Duration>> perTenant,
    Duration maxWait) {

  public static DebounceGaps standard() {
    return new DebounceGaps(Map.of(ChannelType.WHATSAPP, Duration.ofSeconds(3)), Map.of(), Duration.ofSeconds(15));
  }

  public Duration gap(String tenantId, ChannelType channel) {
    Duration tenant = perTenant.getOrDefault(tenantId, Map.of()).get(channel);
    return tenant != null ? tenant : defaults.getOrDefault(channel, Duration.ZERO);
  }
}
