package dev.parley.ingress.chat;

import dev.parley.events.AssistantReply;
import java.util.List;

/**
 * The assistant's answer to one chat message, as returned over HTTP and in the SSE "reply" event;
 * also a human agent's message ({@code author} "agent"), with a file when it carries one.
 */
public record ChatResponse(
    String conversationId,
    String messageId,
    String replyId,
    String reply,
    String status,
    String intent,
    double confidence,
    List<String> suggestedActions,
    List<String> followUpQuestions,
    List<Source> sources,
    Model model,
    Usage usage,
    long processingTimeMs,
    String author,
    String mediaUrl) {

  public record Source(String documentId, String title, String category, double score) {
  }

  public record Model(String name, String provider, boolean offline) {
  }

  public record Usage(int inputTokens, int outputTokens, boolean estimated, double costUsd) {
  }

  static ChatResponse of(AssistantReply reply, String messageId) {
    return new ChatResponse(
        reply.getConversationId(),
        messageId,
        reply.getEventId(),
        reply.getText(),
        reply.getStatus().name(),
        reply.getIntent().getName(),
        reply.getIntent().getConfidence(),
        reply.getSuggestedActions(),
        reply.getFollowUpQuestions(),
        reply.getSources().stream()
            .map(s -> new Source(s.getDocumentId(), s.getTitle(), s.getCategory(), s.getScore())).toList(),
        new Model(reply.getModel().getName(), reply.getModel().getProvider(), reply.getModel().getOffline()),
        new Usage(reply.getUsage().getInputTokens(), reply.getUsage().getOutputTokens(), reply.getUsage().getEstimated(),
            reply.getUsage().getCostUsd()),
        reply.getProcessingTimeMs(),
        reply.getAuthor().name().toLowerCase(java.util.Locale.ROOT),
        reply.getMediaUrl());
  }
}
