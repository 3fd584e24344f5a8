package dev.parley.llm.model;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.parley.llm.answer.Prompt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model used when no model endpoint is configured. It is not a language model and says so.
 * Offered tools, it calls those the turn's intent and facts call for ({@link OfflineTools}) through
 * the same tool loop as a real model; then it answers with the tools' results and the knowledge
 * sentences that share the most words with the question, citing their passage numbers. It streams
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

  private static final Pattern INTENT_LINE = Pattern.compile("^Intent: ([a-z_]+)", Pattern.MULTILINE);
  private static final Pattern FACTS_LINE = Pattern.compile("^" + Prompt.FACTS_HEADER + " (.*)$", Pattern.MULTILINE);

  private final List<ChatModelListener> listeners;

  public OfflineChatModel() {
    this(List.of());
  }

  /** @param listeners told of every call, as a provider's model tells them (traces) */
  public OfflineChatModel(List<ChatModelListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    try {
      List<ChatMessage> messages = request.messages();
      int input = messages.stream().mapToInt(m -> estimateTokens(text(m))).sum();
      if (request.toolSpecifications() != null && !request.toolSpecifications().isEmpty() && toolResults(messages).isEmpty()) {
        String system = systemText(messages);
        Matcher intent = INTENT_LINE.matcher(system);
        List<ToolExecutionRequest> calls = OfflineTools.choose(intent.find() ? intent.group(1) : "other", facts(system),
            lastUserText(messages), request.toolSpecifications());
        if (!calls.isEmpty()) {
          handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(calls)).modelName(NAME)
              .tokenUsage(new TokenUsage(input, calls.size() * 20)).finishReason(FinishReason.TOOL_EXECUTION).build());
          return;
        }
      }
      String answer = answer(messages);
      String[] words = answer.split(" ");
      for (int i = 0; i < words.length; i += WORDS_PER_PIECE) {
        String piece = String.join(" ", List.of(words).subList(i, Math.min(words.length, i + WORDS_PER_PIECE)));
        handler.onPartialResponse(i == 0 ? piece : " " + piece);
      }
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
    String system = systemText(messages);
    String question = lastUserText(messages);
    Set<String> asked = words(question);
    // What the tools computed comes first: those are the numbers the customer asked for.
    List<String> computed = new ArrayList<>();
    for (ToolExecutionResultMessage result : toolResults(messages)) {
      String sentence = OfflineTools.describe(result.toolName(), result.text());
      if (sentence != null) {
        computed.add(sentence);
      }
    }

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
    if (!computed.isEmpty()) {
      // One knowledge sentence may support the computed figures, if it is clearly on topic.
      String supporting = candidates.stream().filter(c -> c.overlap() >= 2).max(Comparator.comparingInt(Candidate::overlap))
          .map(c -> " " + c.sentence() + " [" + c.passage() + "]").orElse("");
      return String.join(" ", computed) + supporting;
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

  /** Tool results given since the customer's last message. */
  private static List<ToolExecutionResultMessage> toolResults(List<ChatMessage> messages) {
    List<ToolExecutionResultMessage> results = new ArrayList<>();
    for (int i = messages.size() - 1; i >= 0 && !(messages.get(i) instanceof UserMessage); i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage result) {
        results.add(0, result);
      }
    }
    return results;
  }

  private static Map<String, String> facts(String system) {
    Map<String, String> facts = new LinkedHashMap<>();
    Matcher line = FACTS_LINE.matcher(system);
    if (line.find()) {
      for (String pair : line.group(1).split("; ")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          facts.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return facts;
  }

  private static String systemText(List<ChatMessage> messages) {
    return messages.stream().filter(SystemMessage.class::isInstance).map(OfflineChatModel::text).findFirst().orElse("");
  }

  private static String lastUserText(List<ChatMessage> messages) {
    return messages.stream().filter(UserMessage.class::isInstance).reduce((a, b) -> b).map(OfflineChatModel::text).orElse("");
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
