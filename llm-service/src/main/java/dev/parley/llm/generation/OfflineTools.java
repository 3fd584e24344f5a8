package dev.parley.llm.generation;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the offline model uses tools: it picks them from the turn's intent and facts (the prompt's
 * "Intent:" and "Facts:" lines), and turns their results into sentences. A tool is only called
 * when every number it needs is known: nothing is guessed.
 */
final class OfflineTools {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private OfflineTools() {
  }

  static List<ToolExecutionRequest> choose(String intent, Map<String, String> facts, String question,
      List<ToolSpecification> available) {
    Set<String> tools = available.stream().map(ToolSpecification::name).collect(Collectors.toSet());
    String lower = question.toLowerCase(Locale.ROOT);
    List<ToolExecutionRequest> calls = new ArrayList<>();
    boolean aboutTax = intent.equals("pricing_tax") || lower.contains("tax");
    if (aboutTax && tools.contains("calculateSalesTax") && facts.containsKey("state") && facts.containsKey("price")) {
      ObjectNode args = JSON.createObjectNode().put("state", facts.get("state")).put("price", number(facts.get("price")));
      if (facts.containsKey("trade_in")) {
        args.put("tradeIn", number(facts.get("trade_in")));
      }
      if (facts.containsKey("zip")) {
        args.put("zip", facts.get("zip"));
      }
      calls.add(call("calculateSalesTax", args));
    }
    boolean aboutMoney = intent.equals("financing") || lower.contains("payment") || lower.contains("monthly");
    if (aboutMoney && tools.contains("compareFinancingOptions") && facts.containsKey("price") && facts.containsKey("apr")
        && facts.containsKey("term_months")) {
      ObjectNode args = JSON.createObjectNode().put("price", number(facts.get("price")))
          .put("aprPercent", number(facts.get("apr"))).put("termMonths", Integer.parseInt(facts.get("term_months")));
      if (facts.containsKey("down_payment")) {
        args.put("downPayment", number(facts.get("down_payment")));
      }
      calls.add(call("compareFinancingOptions", args));
    }
    return calls;
  }

  /** Sentences for a tool's result; null for a result it cannot read. */
  static String describe(String tool, String result) {
    try {
      JsonNode json = JSON.readTree(result);
      if (json.has("error")) {
        return "I don't have tax data for that state yet; the finance desk will confirm the rate.";
      }
      return switch (tool) {
        case "calculateSalesTax" -> tax(json);
        case "compareFinancingOptions" -> options(json);
        case "calculateLoanPayment" -> loan(json, true);
        default -> null;
      };
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String tax(JsonNode t) {
    StringBuilder text = new StringBuilder("For a ").append(money(t, "price")).append(" vehicle in ").append(t.get("state").asString());
    if (t.get("tradeIn").asDouble() > 0) {
      text.append(" with a ").append(money(t, "tradeIn")).append(" trade-in");
    }
    text.append(", the taxable amount is ").append(money(t, "taxableAmount"))
        .append(t.get("tradeInCredited").asBoolean() || t.get("tradeIn").asDouble() == 0 ? "" : " (this state does not deduct the trade-in)")
        .append(" and the sales tax is ").append(money(t, "totalTax"))
        .append(" (").append(t.get("stateRate").asString()).append("% state rate");
    if (t.get("localTax").asDouble() > 0) {
      text.append(" plus ").append(money(t, "localTax")).append(" local tax");
    }
    text.append("). ").append(t.get("notes").asString())
        .append(" Source: ").append(t.get("source").asString()).append(", checked ").append(t.get("checkedOn").asString()).append(".");
    return text.toString();
  }

  private static String options(JsonNode options) {
    StringBuilder text = new StringBuilder(loan(options.get(0), true));
    text.append(" Ways to lower the payment:");
    for (int i = 1; i < options.size(); i++) {
      JsonNode option = options.get(i);
      text.append(" ").append(option.get("label").asString()).append(": ").append(money(option, "monthlyPayment"))
          .append(" a month, ").append(money(option, "totalInterest")).append(" interest;");
    }
    text.setLength(text.length() - 1);
    return text.append(".").toString();
  }

  private static String loan(JsonNode loan, boolean first) {
    return "Financing " + money(loan, "amountFinanced") + " at " + loan.get("aprPercent").asString() + "% APR for "
        + loan.get("termMonths").asInt() + " months is " + money(loan, "monthlyPayment") + " a month, with "
        + money(loan, "totalInterest") + " of total interest.";
  }

  private static String money(JsonNode node, String field) {
    return String.format(Locale.US, "$%,.2f", node.get(field).asDouble());
  }

  private static double number(String value) {
    return Double.parseDouble(value);
  }

  private static ToolExecutionRequest call(String name, ObjectNode args) {
    return ToolExecutionRequest.builder().id("offline-" + UUID.randomUUID()).name(name).arguments(args.toString()).build();
  }
}
