package dev.parley.llm.model;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Every model call is a span of the turn's trace, named and tagged after OpenTelemetry's GenAI
 * semantic conventions ({@code chat <model>}: {@code gen_ai.operation.name},
 * {@code gen_ai.system}, {@code gen_ai.request.model}, and when it ends the token counts
 * {@code gen_ai.usage.input_tokens} and {@code gen_ai.usage.output_tokens}). Its duration is also
 * the {@code gen_ai_client_operation_seconds} timer. No prompt or answer text goes into a span.
 *
 * <p>LangChain4j calls {@link #onRequest} on the thread that asks (the turn's worker, whose
 * current observation is the turn's span) and the end on whichever thread streamed the answer,
 * so the span travels in the call's attributes.
 */
public final class ModelCallTraces implements ChatModelListener {

  static final String OBSERVATION = "gen_ai.client.operation";
  private static final Object SPAN = ModelCallTraces.class;

  private final ObservationRegistry observations;
  private final String system;
  private final String model;

  /**
   * @param system the provider as the conventions name it ("openai" for any OpenAI-compatible endpoint)
   * @param model  the configured model's name
   */
  public ModelCallTraces(ObservationRegistry observations, String system, String model) {
    this.observations = observations;
    this.system = system;
    this.model = model;
  }

  @Override
  public void onRequest(ChatModelRequestContext request) {
    Observation call = Observation.createNotStarted(OBSERVATION, observations)
        .contextualName("chat " + model)
        .lowCardinalityKeyValue("gen_ai.operation.name", "chat")
        .lowCardinalityKeyValue("gen_ai.system", system)
        .lowCardinalityKeyValue("gen_ai.request.model", model)
        .start();
    request.attributes().put(SPAN, call);
  }

  @Override
  public void onResponse(ChatModelResponseContext response) {
    if (response.attributes().get(SPAN) instanceof Observation call) {
      ChatResponse answer = response.chatResponse();
      TokenUsage usage = answer == null ? null : answer.tokenUsage();
      if (usage != null) {
        call.highCardinalityKeyValue("gen_ai.usage.input_tokens", String.valueOf(usage.inputTokenCount()));
        call.highCardinalityKeyValue("gen_ai.usage.output_tokens", String.valueOf(usage.outputTokenCount()));
      }
      if (answer != null && answer.finishReason() != null) {
        call.highCardinalityKeyValue("gen_ai.response.finish_reasons", answer.finishReason().name().toLowerCase(java.util.Locale.ROOT));
      }
      call.stop();
    }
  }

  @Override
  public void onError(ChatModelErrorContext error) {
    if (error.attributes().get(SPAN) instanceof Observation call) {
      call.error(error.error());
      call.stop();
    }
  }
}
