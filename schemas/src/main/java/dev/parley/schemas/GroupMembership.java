package dev.parley.schemas;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Static consumer group membership (KIP-345) for instances with a stable name
 * ({@code PARLEY_INSTANCE_ID}: a StatefulSet pod's name, a compose service's name). An instance
 * that crashes and comes back under the same name takes its partitions back at once, without a
 * rebalance; without a name it would wait until the group gave up on its old self (the session
 * timeout). Two running instances must never share a name: the group fences the older one.
 */
public final class GroupMembership {

  private GroupMembership() {
  }

  /**
   * The {@code group.instance.id} of one consumer of this instance ({@code consumer} tells apart
   * an instance's consumers in the same group), or nothing when the instance has no stable name.
   */
  public static Map<String, Object> staticMember(String instanceId, String consumer) {
    if (instanceId == null || instanceId.isBlank()) {
      return Map.of();
    }
    return Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, consumer == null ? instanceId : instanceId + "-" + consumer);
  }
}
