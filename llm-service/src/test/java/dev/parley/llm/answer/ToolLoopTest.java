package dev.parley.llm.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.parley.llm.model.OfflineChatModel;
import dev.parley.llm.tools.SalesTaxTable;
import dev.parley.llm.tools.SalesTools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolLoopTest {

  private static final String TAX_PROMPT = """
      You are Parley.
      Intent: pricing_tax; buying stage: decision
      Facts: state=TX; price=32500; trade_in=8000

      Knowledge:
      [1] Sales tax: Sales tax on a vehicle is charged by the state where the vehicle is registered.""";

  private record Call(String tool, boolean ok, String error) {
  }

  private final List<Call> calls = new ArrayList<>();
  private final List<String> pieces = new ArrayList<>();

  @Test
  void shouldComputeTaxWithToolAndAnswerFromItsResult() throws Exception {
    ToolLoop loop = new ToolLoop(List.of(new SalesTools(SalesTaxTable.standard())));

    var outcome = loop.run(new OfflineChatModel(), List.of(SystemMessage.from(TAX_PROMPT),
        UserMessage.from("How much tax will I pay with my trade-in?")), pieces::add, this::record, Duration.ofSeconds(5));

    assertThat(calls).containsExactly(new Call("calculateSalesTax", true, null));
    assertThat(outcome.toolCalls()).isEqualTo(1);
    assertThat(outcome.response().aiMessage().text())
        .contains("$32,500.00 vehicle in Texas with a $8,000.00 trade-in")
        .contains("taxable amount is $24,500.00")
        .contains("sales tax is $1,531.25")
        .contains("checked 2026-11-01");
    assertThat(String.join("", pieces)).isEqualTo(outcome.response().aiMessage().text());
    assertThat(outcome.usage().inputTokenCount()).isPositive();
  }

  @Test
  void shouldCompareFinancingOptionsWhenRateAndTermAreKnown() throws Exception {
    ToolLoop loop = new ToolLoop(List.of(new SalesTools(SalesTaxTable.standard())));
    String prompt = "Intent: financing; buying stage: decision\nFacts: price=30000; apr=6; term_months=60\n\nKnowledge:\n";

    var outcome = loop.run(new OfflineChatModel(), List.of(SystemMessage.from(prompt),
        UserMessage.from("What would my monthly payment be?")), pieces::add, this::record, Duration.ofSeconds(5));

    assertThat(outcome.response().aiMessage().text())
        .contains("Financing $30,000.00 at 6.0% APR for 60 months is $579.98 a month, with $4,799.04 of total interest")
        .contains("12 months longer");
  }

  @Test
  void shouldNotCallToolWhenANeededNumberIsMissing() throws Exception {
    ToolLoop loop = new ToolLoop(List.of(new SalesTools(SalesTaxTable.standard())));
    String prompt = "Intent: financing; buying stage: consideration\nFacts: price=30000\n\nKnowledge:\n[1] Financing: Loans run from 24 to 84 months.";

    loop.run(new OfflineChatModel(), List.of(SystemMessage.from(prompt), UserMessage.from("what about financing for 84 months?")),
        pieces::add, this::record, Duration.ofSeconds(5));

    assertThat(calls).isEmpty();
  }

  @Test
  void shouldNotOfferOrRunToolTheTenantHasNotEnabled() throws Exception {
    ToolLoop loop = new ToolLoop(List.of(new SalesTools(SalesTaxTable.standard())));

    var outcome = loop.run(new OfflineChatModel(), List.of(SystemMessage.from(TAX_PROMPT),
        UserMessage.from("How much tax will I pay with my trade-in?")), pieces::add, this::record, Duration.ofSeconds(5),
        tool -> !tool.equals("calculateSalesTax"));

    assertThat(calls).isEmpty();
    assertThat(outcome.response().aiMessage().text()).doesNotContain("$1,531.25");
  }

  @Test
  void shouldRecordFailingToolAndStillAnswer() throws Exception {
    ToolLoop loop = new ToolLoop(List.of(new BrokenTools()));

    var outcome = loop.run(new OfflineChatModel(), List.of(SystemMessage.from(TAX_PROMPT),
        UserMessage.from("How much tax will I pay?")), pieces::add, this::record, Duration.ofSeconds(5));

    assertThat(calls).singleElement().satisfies(call -> {
      assertThat(call.ok()).isFalse();
      assertThat(call.error()).contains("tax service down");
    });
    assertThat(outcome.response().aiMessage().text()).isNotBlank();
  }

  /** A tool with the real one's name that fails. */
  static final class BrokenTools {
    @Tool("Sales tax")
    public String calculateSalesTax(@P("state") String state, @P("price") double price,
        @P(value = "trade-in", required = false) Double tradeIn, @P(value = "zip", required = false) String zip) {
      throw new IllegalStateException("tax service down");
    }
  }

  private void record(dev.langchain4j.agent.tool.ToolExecutionRequest request, String result, boolean ok, long latencyMs,
      String error, int round) {
    calls.add(new Call(request.name(), ok, error));
  }
}
