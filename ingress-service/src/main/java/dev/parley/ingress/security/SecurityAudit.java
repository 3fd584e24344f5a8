package dev.parley.ingress.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.events.AuditOutcome;
import dev.parley.events.SecurityAuditEvent;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The security audit trail on {@code parley.security-audit}: access denied (no or a bad token, a
 * role that may not, someone else's data), security-relevant changes (knowledge written, webhooks
 * registered or deleted, failures re-driven), a user seen acting with another role than before, a
 * sender over the rate limit. Published without waiting; a failure to publish is logged and never
 * fails the request. Never message text.
 */
@Component
public class SecurityAudit {

  private static final Logger log = LoggerFactory.getLogger(SecurityAudit.class);

  private final KafkaTemplate<String, SpecificRecord> kafka;
  /** The role each user was last seen with on this instance: a change is worth an entry. */
  private final Cache<String, Role> rolesSeen = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(24)).build();

  public SecurityAudit(KafkaTemplate<String, SpecificRecord> kafka) {
    this.kafka = kafka;
  }

  /** The caller was refused. */
  public void denied(Caller caller, String action, String resource, int status, String reason) {
    publish(caller, action, resource, AuditOutcome.DENIED, status, reason);
  }

  /** A caller with no valid token was refused. */
  public void deniedUnidentified(String resource, int status, String reason) {
    publish(null, "http.request", resource, AuditOutcome.DENIED, status, reason);
  }

  /** The caller changed something a security review wants to know about. */
  public void done(Caller caller, String action, String resource) {
    publish(caller, action, resource, AuditOutcome.ALLOWED, null, null);
  }

  /** Notes the caller's role; a user who acted with another role before gets a role.changed entry. */
  public void seen(Caller caller) {
    String user = caller.tenantId() + ":" + caller.userId();
    Role before = rolesSeen.asMap().put(user, caller.role());
    if (before != null && before != caller.role()) {
      publish(caller, "role.changed", "user " + caller.userId(), AuditOutcome.ALLOWED, null,
          "was " + before.claimValue() + ", now " + caller.role().claimValue());
    }
  }

  private void publish(Caller caller, String action, String resource, AuditOutcome outcome, Integer status, String reason) {
    SecurityAuditEvent event = SecurityAuditEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(caller == null ? null : caller.tenantId())
        .setActor(caller == null ? null : caller.userId())
        .setActorRole(caller == null ? null : caller.role().claimValue())
        .setAction(action)
        .setResource(resource)
        .setOutcome(outcome)
        .setStatus(status)
        .setReason(reason)
        .setAt(Instant.now())
        .build();
    try {
      kafka.send(Topics.SECURITY_AUDIT.name(), caller == null ? "unknown" : caller.tenantId(), event)
          .whenComplete((sent, failure) -> {
            if (failure != null) {
              log.warn("could not record a security audit event ({} {}): {}", action, outcome, failure.toString());
            }
          });
    } catch (RuntimeException e) {
      log.warn("could not record a security audit event ({} {}): {}", action, outcome, e.toString());
    }
  }
}
