package dev.parley.ingress.chat;

/** Answer to an asynchronous chat request: where to follow the reply. */
public record ChatAccepted(String conversationId, String messageId, String streamUrl) {

  /**
   * Answer to a synchronous chat request while a person has the conversation: the message reached
   * them, the bot stays silent, and the person's answer arrives on the stream.
   */
  public record WithPerson(String conversationId, String messageId, String status, String detail, String streamUrl) {
  }
}
