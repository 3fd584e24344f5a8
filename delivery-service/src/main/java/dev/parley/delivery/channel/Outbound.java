package dev.parley.delivery.channel;

/** A place something can be sent to: the WhatsApp provider, a tenant's webhook. */
public interface Outbound {

  /** Where it goes, stable across attempts: the ledger's key, for example "whatsapp:channel-1". */
  String target(Outgoing outgoing);

  /** Sends it once; throws {@link DeliveryException} saying whether trying again may help. */
  void send(Outgoing outgoing) throws DeliveryException;
}
