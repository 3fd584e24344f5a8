package dev.parley.delivery.channel;

import reactor.core.publisher.Mono;

/** A place something can be sent to: the WhatsApp provider, a tenant's webhook. */
public interface Outbound {

  /** Where it goes, stable across attempts: the ledger's key, for example "whatsapp:channel-1". */
  String target(Outgoing outgoing);

  /**
   * Sends it once, without holding a thread while the receiver answers (a hanging receiver must
   * cost nothing but its own queue); fails with {@link DeliveryException} saying whether trying
   * again may help.
   */
  Mono<Void> send(Outgoing outgoing);
}
