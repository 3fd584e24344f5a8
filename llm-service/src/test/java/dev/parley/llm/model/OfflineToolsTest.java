package dev.parley.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.parley.llm.tools.ProductTools;
import dev.parley.llm.tools.SalesTools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfflineToolsTest {

  private static final List<ToolSpecification> ALL = new ArrayList<>();

  static {
    ALL.addAll(ToolSpecifications.toolSpecificationsFrom(SalesTools.class));
    ALL.addAll(ToolSpecifications.toolSpecificationsFrom(ProductTools.class));
    ALL.addAll(ToolSpecifications.toolSpecificationsFrom(dev.parley.llm.tools.ConversationTools.class));
  }

  @Test
  void shouldCheckStockOfTheProductTheCustomerNamed() {
    var calls = OfflineTools.choose("product_search", Map.of("product", "2024 Toyota RAV4 Hybrid XSE"), "Is it in stock?", ALL);

    assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("getStock");
    assertThat(calls.get(0).arguments()).contains("2024 Toyota RAV4 Hybrid XSE");
  }

  @Test
  void shouldSearchInStockProductsUnderTheStatedBudget() {
    var calls = OfflineTools.choose("product_search", Map.of("max_price", "30000"), "Do you have SUVs under 30k?", ALL);

    assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("searchProducts");
    assertThat(calls.get(0).arguments()).contains("\"maxPrice\":30000").contains("\"inStockOnly\":true")
        .contains("\"category\":\"SUV\"");
  }

  @Test
  void shouldLookForAlternativesWhenThePriceIsTheObjection() {
    var calls = OfflineTools.choose("objection", Map.of("product", "2024 Toyota RAV4 XLE"), "That's too expensive", ALL);

    assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("findAlternatives");
  }

  @Test
  void shouldDescribeStockAndAlternativesInPlainSentences() {
    assertThat(OfflineTools.describe("getStock",
        "{\"name\":\"2024 Toyota RAV4 Hybrid XSE\",\"stock\":1,\"location\":\"Main lot\",\"price\":38900.00}"))
        .isEqualTo("The 2024 Toyota RAV4 Hybrid XSE is in stock: 1 available at Main lot, $38,900.00.");
    assertThat(OfflineTools.describe("getStock",
        "{\"name\":\"2024 Honda CR-V EX\",\"stock\":0,\"location\":\"Arriving next week\",\"price\":34200.00}"))
        .isEqualTo("The 2024 Honda CR-V EX is not in stock right now (Arriving next week).");
    assertThat(OfflineTools.describe("findAlternatives", "{\"cheaper\":[{\"name\":\"2023 Hyundai Tucson SE\",\"price\":27500}],"
        + "\"betterValue\":[{\"name\":\"2025 Toyota RAV4 Limited\",\"price\":36400}]}"))
        .isEqualTo("A cheaper option: 2023 Hyundai Tucson SE at $27,500.00. For a little more: 2025 Toyota RAV4 Limited at $36,400.00.");
  }

  @Test
  void shouldHandTheConversationToAPersonWhenAsked() {
    var calls = OfflineTools.choose("escalation_request", Map.of(), "I want to speak to a human about my bill", ALL);

    assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("escalateToHuman");
    assertThat(calls.get(0).arguments()).contains("\"category\":\"billing\"");
  }

  @Test
  void shouldCallNothingForSmallTalk() {
    assertThat(OfflineTools.choose("greeting", Map.of(), "hello!", ALL)).isEmpty();
  }
}
