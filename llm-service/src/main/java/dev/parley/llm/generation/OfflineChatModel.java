package dev.parley.llm.generation;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model used when no model endpoint is configured. It is not a language model and says so:
 * it reads the knowledge passages of the prompt, picks the sentences that share the most words
 * with the customer's question, and answers with them, citing their passage numbers. It streams
 * its answer a few words at a time, like a real model, through LangChain4j's streaming interface.
 *
 * <p>Token counts are estimated (about 4 characters a token) and marked as estimated in the reply.
 */
public final class OfflineChatModel implements StreamingChatModel {

  public static final String NAME = "parley-offline-extractive";

  private static final Pattern PASSAGE = Pattern.compile("^\\[(\\d+)] ([^:]+): (.*)$", Pattern.MULTILINE);
  /** Sentence ends: a stop followed by space and a capital, so "6.25%" and "$5,000." stay whole. */
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z(\"])");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}%$]+");
  private static final Set<String> STOP = Set.of("a", "an", "and", "are", "can", "do", "does", "for", "how",
      "i", "in", "is", "it", "me", "my", "of", "on", "or", "the", "this", "to", "what", "with", "you", "your", "be", "will");
  private static final int WORDS_PER_PIECE = 3;

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    try {
      String answer = answer(request.messages());
      String[] words = answer.split(" ");
      for (int i = 0; i < words.length; i += WORDS_PER_PIECE) {
        String piece = String.join(" ", List.of(words).subList(i, Math.min(words.length, i + WORDS_PER_PIECE)));
        handler.onPartialResponse(i == 0 ? piece : " " + piece);
      }
      int input = request.messages().stream().mapToInt(m -> estimateTokens(text(m))).sum();
      handler.onCompleteResponse(ChatResponse.builder()
          .aiMessage(AiMessage.from(answer))
          .modelName(NAME)
          .tokenUsage(new TokenUsage(input, estimateTokens(answer)))
          .finishReason(FinishReason.STOP)
          .build());
    } catch (RuntimeException e) {
      handler.onError(e);
    }
  }

  static String answer(List<ChatMessage> messages) {
    String system = messages.stream().filter(SystemMessage.class::isInstance).map(OfflineChatModel::text)
        .findFirst().orElse("");
    String question = messages.stream().filter(UserMessage.class::isInstance).reduce((a, b) -> b)
        .map(OfflineChatModel::text).orElse("");
    Set<String> asked = words(question);

    record Candidate(int passage, String title, String sentence, int overlap, int order) {
    }
    List<Candidate> candidates = new ArrayList<>();
    Matcher passage = PASSAGE.matcher(system.substring(Math.max(0, system.indexOf(Prompt.KNOWLEDGE_HEADER))));
    int order = 0;
    while (passage.find()) {
      for (String sentence : SENTENCE_END.split(passage.group(3))) {
        String text = sentence.strip();
        Set<String> shared = new HashSet<>(words(text));
        shared.retainAll(asked);
        // Overlapping chunks repeat sentences: each is considered once.
        boolean seen = candidates.stream().anyMatch(c -> c.sentence().equals(text));
        if (!shared.isEmpty() && text.length() > 10 && !seen) {
          candidates.add(new Candidate(Integer.parseInt(passage.group(1)), passage.group(2), text, shared.size(), order++));
        }
      }
    }
    if (candidates.isEmpty()) {
      return "I don't have information on that in my knowledge base yet. "
          + "I can connect you with a sales person who can help.";
    }
    int top = candidates.stream().mapToInt(Candidate::overlap).max().orElse(0);
    // Only sentences that share more than half as many words with the question as the best one.
    List<Candidate> best = candidates.stream()
        .filter(candidate -> candidate.overlap() * 2 > top)
        .sorted(Comparator.comparingInt(Candidate::overlap).reversed().thenComparingInt(Candidate::order))
        .limit(3)
        .sorted(Comparator.comparingInt(Candidate::order))
        .toList();
    StringBuilder answer = new StringBuilder("From our ").append(best.get(0).title()).append(" guide: ");
    for (Candidate candidate : best) {
      answer.append(candidate.sentence()).append(" [").append(candidate.passage()).append("] ");
    }
    return answer.toString().strip();
  }

  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      String word = matcher.group();
      if (!STOP.contains(word)) {
        words.add(word.length() > 3 && word.endsWith("s") ? word.substring(0, word.length() - 1) : word);
      }
    }
    return words;
  }

  private static String text(ChatMessage message) {
    if (message instanceof SystemMessage system) {
      return system.text();
    }
    if (message instanceof UserMessage user) {
      return user.singleText();
    }
    if (message instanceof AiMessage ai) {
      return ai.text() == null ? "" : ai.text();
    }
    return "";
  }

  private static int estimateTokens(String text) {
    return Math.max(1, text.length() / 4);
  }
}
