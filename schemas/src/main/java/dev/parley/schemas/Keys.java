package dev.parley.schemas;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Record keys and derived ids. Every key starts with the tenant id, so no two tenants share a key.
 */
public final class Keys {

  /** Tenant ids are short slugs: they appear in keys, so they may not contain the separator. */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final char SEPARATOR = ':';

  private Keys() {
  }

  /** The key of a tenant-owned entity: {@code tenantId:id}. */
  public static String of(String tenantId, String id) {
    if (!TENANT_ID.matcher(tenantId).matches()) {
      throw new IllegalArgumentException("tenant id must match " + TENANT_ID.pattern());
    }
    return tenantId + SEPARATOR + id;
  }

  /** The tenant part of a key made by {@link #of}. */
  public static String tenantOf(String key) {
    int at = key.indexOf(SEPARATOR);
    if (at < 0) {
      throw new IllegalArgumentException("not a tenant key: " + key);
    }
    return key.substring(0, at);
  }

  /**
   * A stable id derived from other ids (a name-based UUID). The same inputs always give the same
   * id: a reply's id derives from its turn's, so a redelivered turn cannot yield a new reply id.
   */
  public static String derivedId(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * The id of the reply to a turn. Whoever answers the turn — the model, llm-service's fallback,
   * context-service's reply watchdog — answers under this one id, so every consumer of replies
   * keeps only the first answer. A turn re-driven from a dead letter is answered anew, under an id
   * derived from that dead letter too.
   *
   * @param redriveOf the dead letter the turn was re-driven from, or null
   */
  public static String replyId(String turnId, String redriveOf) {
    return redriveOf == null ? derivedId("reply", turnId) : derivedId("reply", turnId, "redrive", redriveOf);
  }

  /**
   * The id of the reply that carries an agent's message to the customer, derived from the
   * command's id: context-service gives the reply this id, ingress tells the agent it.
   */
  public static String agentReplyId(String commandId) {
    return derivedId("agent-reply", commandId);
  }
}
