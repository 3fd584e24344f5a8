package dev.parley.llm.answer;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.invocation.InvocationContext;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The tool loop, the same for every model: ask the model with the tools' specifications; while it
 * answers with tool calls, run them (LangChain4j's executors over the {@code @Tool} methods), give
 * back the results and ask again; stream the final answer. Every call is reported to the
 * {@link ToolCallListener}, successful or not.
 */
public final class ToolLoop {

  /** Hears about every tool call, for the audit trail. */
  public interface ToolCallListener {
    void called(ToolExecutionRequest request, String result, boolean ok, long latencyMs, String error, int round);
  }

  /** The final response, with the token usage of all rounds added up. */
  public record Outcome(ChatResponse response, TokenUsage usage, int toolCalls) {
  }

  private static final int MAX_ROUNDS = 4;

  private final List<ToolSpecification> specifications = new ArrayList<>();
  private final Map<String, ToolExecutor> executors = new HashMap<>();

  /**
   * Each tool class's {@code @Tool} methods with their specifications, worked out once per class: a
   * loop is made for every turn, and reflecting over the tools and writing their JSON schemas again
   * each time was a visible share of llm-service's CPU.
   */
  private static final ClassValue<List<Map.Entry<Method, ToolSpecification>>> TOOLS_OF = new ClassValue<>() {
    @Override
    protected List<Map.Entry<Method, ToolSpecification>> computeValue(Class<?> type) {
      List<Map.Entry<Method, ToolSpecification>> found = new ArrayList<>();
      for (Method method : type.getDeclaredMethods()) {
        if (method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
          found.add(Map.entry(method, ToolSpecifications.toolSpecificationFrom(method)));
        }
      }
      return List.copyOf(found);
    }
  };

  private final ObservationRegistry observations;

  public ToolLoop(List<Object> tools) {
    this(tools, ObservationRegistry.NOOP);
  }

  /** @param observations where each tool call becomes a span ({@code execute_tool <name>}) of the turn's trace */
  public ToolLoop(List<Object> tools, ObservationRegistry observations) {
    this.observations = observations;
    for (Object tool : tools) {
      for (Map.Entry<Method, ToolSpecification> found : TOOLS_OF.get(tool.getClass())) {
        specifications.add(found.getValue());
        executors.put(found.getValue().name(), new DefaultToolExecutor(tool, found.getKey()));
      }
    }
  }

  /** Whether a tool of that name is one of this loop's (a model may name one that is not). */
  boolean defines(String name) {
    return executors.containsKey(name);
  }

  List<ToolSpecification> specifications() {
    return specifications;
  }

  public Outcome run(StreamingChatModel model, List<ChatMessage> prompt, Consumer<String> onPiece, ToolCallListener listener,
      Duration timeout) throws Exception {
    return run(model, prompt, onPiece, listener, timeout, tool -> true);
  }

  /** Runs the loop offering only the tools the tenant has enabled. */
  Outcome run(StreamingChatModel model, List<ChatMessage> prompt, Consumer<String> onPiece, ToolCallListener listener,
      Duration timeout, java.util.function.Predicate<String> enabled) throws Exception {
    List<ToolSpecification> offered = specifications.stream().filter(spec -> enabled.test(spec.name())).toList();
    List<ChatMessage> messages = new ArrayList<>(prompt);
    TokenUsage usage = new TokenUsage(0, 0);
    int calls = 0;
    for (int round = 1; ; round++) {
      ChatRequest request = ChatRequest.builder().messages(messages)
          .toolSpecifications(round <= MAX_ROUNDS ? offered : List.of()).build();
      ChatResponse response = StreamingAnswer.stream(model, request, onPiece).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      usage = usage.add(response.tokenUsage());
      AiMessage answer = response.aiMessage();
      if (!answer.hasToolExecutionRequests()) {
        return new Outcome(response, usage, calls);
      }
      messages.add(answer);
      for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
        calls++;
        String result = enabled.test(call.name()) ? execute(call, listener, round) : refuse(call, listener, round);
        messages.add(ToolExecutionResultMessage.from(call, result));
      }
    }
  }

  /** A model may name a tool it was not offered; the tenant has not enabled it, so it does not run. */
  private static String refuse(ToolExecutionRequest call, ToolCallListener listener, int round) {
    String error = "tool " + call.name() + " is not enabled for this tenant";
    listener.called(call, error, false, 0, error, round);
    return error;
  }

  private String execute(ToolExecutionRequest call, ToolCallListener listener, int round) {
    long started = System.nanoTime();
    ToolExecutor executor = executors.get(call.name());
    if (executor == null) {
      String error = "unknown tool " + call.name();
      listener.called(call, error, false, 0, error, round);
      return error;
    }
    // GenAI semantic conventions; the arguments and the result stay out of the span.
    Observation span = Observation.createNotStarted("gen_ai.execute_tool", observations)
        .contextualName("execute_tool " + call.name())
        .lowCardinalityKeyValue("gen_ai.operation.name", "execute_tool")
        .lowCardinalityKeyValue("gen_ai.tool.name", call.name())
        .start();
    try (Observation.Scope scope = span.openScope()) {
      // The executor reports a failing tool in its result rather than by throwing.
      ToolExecutionResult result = executor.executeWithContext(call, InvocationContext.builder().build());
      long latency = (System.nanoTime() - started) / 1_000_000;
      if (result.isError()) {
        span.highCardinalityKeyValue("error.type", "tool_error");
      }
      listener.called(call, result.resultText(), !result.isError(), latency, result.isError() ? result.resultText() : null, round);
      return result.resultText();
    } catch (RuntimeException e) {
      // The model gets the error as the tool's result and can recover; the audit records it.
      span.error(e);
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      listener.called(call, error, false, (System.nanoTime() - started) / 1_000_000, error, round);
      return "error: " + error;
    } finally {
      span.stop();
    }
  }
}
