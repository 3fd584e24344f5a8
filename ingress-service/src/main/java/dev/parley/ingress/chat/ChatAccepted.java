package dev.parley.ingress.chat;

/** Answer to an asynchronous chat request: where to follow the reply. */
public record ChatAccepted(String conversationId, String messageId, String streamUrl) {
}
