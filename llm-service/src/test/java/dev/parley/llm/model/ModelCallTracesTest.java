package dev.parley.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.parley.llm.answer.StreamingAnswer;
import dev.parley.llm.answer.ToolLoop;
import dev.parley.llm.tools.SalesTaxTable;
import dev.parley.llm.tools.SalesTools;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A model call and each tool call are spans of the turn's trace, tagged after the GenAI conventions, with no text in them. */
class ModelCallTracesTest {

  private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
  private final ObservationRegistry observations = ObservationRegistry.create();

  ModelCallTracesTest() {
    observations.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStop(Observation.Context context) {
        stopped.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
  }

  @Test
  void shouldMakeEachModelCallAChildSpanOfTheTurnWithModelAndTokens() {
    var model = new OfflineChatModel(List.of(new ModelCallTraces(observations, "parley-offline", OfflineChatModel.NAME)));
    Observation turn = Observation.start("parley.turn.answer", observations);

    try (Observation.Scope scope = turn.openScope()) {
      StreamingAnswer.stream(model, ChatRequest.builder().messages(SystemMessage.from("Knowledge:\n[1] Hours: We open at 9 am."),
          UserMessage.from("When do you open? My phone is 555-0100.")).build(), piece -> { }).join();
    }
    turn.stop();

    Observation.Context call = stopped.stream().filter(c -> c.getName().equals(ModelCallTraces.OBSERVATION)).findFirst().orElseThrow();
    assertThat(call.getContextualName()).isEqualTo("chat " + OfflineChatModel.NAME);
    assertThat(call.getParentObservation()).as("the turn's span is its parent").isSameAs(turn);
    var tags = tags(call);
    assertThat(tags).containsEntry("gen_ai.operation.name", "chat").containsEntry("gen_ai.system", "parley-offline")
        .containsEntry("gen_ai.request.model", OfflineChatModel.NAME).containsKey("gen_ai.usage.input_tokens")
        .containsKey("gen_ai.usage.output_tokens");
    assertThat(Integer.parseInt(tags.get("gen_ai.usage.input_tokens"))).isPositive();
    assertThat(tags.values()).as("no customer text in a span").noneMatch(value -> value.contains("555-0100") || value.contains("open"));
  }

  @Test
  void shouldMakeEachToolCallASpanNamedAfterTheTool() {
    var model = new OfflineChatModel();
    ToolLoop loop = new ToolLoop(List.of(new SalesTools(SalesTaxTable.standard())), observations);

    try {
      loop.run(model, List.of(SystemMessage.from("Intent: pricing_tax\nFacts: state=TX; price=32500"),
          UserMessage.from("How much tax in Texas on 32500?")), piece -> { }, (call, result, ok, ms, error, round) -> { },
          java.time.Duration.ofSeconds(10));
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    assertThat(stopped).filteredOn(c -> c.getName().equals("gen_ai.execute_tool")).isNotEmpty().allSatisfy(tool -> {
      assertThat(tool.getContextualName()).startsWith("execute_tool ");
      assertThat(tags(tool)).containsEntry("gen_ai.operation.name", "execute_tool").containsKey("gen_ai.tool.name");
    });
  }

  private static java.util.Map<String, String> tags(Observation.Context context) {
    return context.getAllKeyValues().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }
}
