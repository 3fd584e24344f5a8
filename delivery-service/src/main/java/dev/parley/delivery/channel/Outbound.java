package dev.parley.delivery.channel;

import dev.parley.events.AssistantReply;

/** A place a reply can be sent to: the WhatsApp provider, a tenant's webhook. */
public interface Outbound {

  /** Where this reply goes, stable across attempts: the ledger's key, for example "whatsapp:channel-1". */
  String target(AssistantReply reply);

  /** Sends the reply once; throws {@link DeliveryException} saying whether trying again may help. */
  void send(AssistantReply reply) throws DeliveryException;
}
