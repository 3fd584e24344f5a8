package dev.parley.ingress.chat;

/** The SSE "chunk" event: a piece of a reply while it is generated. */
public record ChunkEvent(String replyId, int sequence, String text) {
}
