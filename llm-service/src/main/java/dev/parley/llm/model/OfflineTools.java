package dev.parley.llm.model;

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
  /** Category words a customer uses, and the catalogue's category. */
  private static final Map<String, String> CATEGORIES = Map.of(
      "suv", "SUV", "sedan", "sedan", "truck", "truck", "pickup", "truck", "apartment", "apartment", "villa", "villa");

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
    boolean aboutStock = intent.equals("product_search") || lower.contains("stock") || lower.contains("available")
        || lower.contains("do you have");
    if (aboutStock && facts.containsKey("product") && tools.contains("getStock")) {
      calls.add(call("getStock", JSON.createObjectNode().put("product", facts.get("product"))));
    } else if (aboutStock && tools.contains("searchProducts")) {
      ObjectNode args = JSON.createObjectNode().put("query", question).put("inStockOnly", true);
      if (facts.containsKey("max_price")) {
        args.put("maxPrice", number(facts.get("max_price")));
      }
      CATEGORIES.entrySet().stream().filter(c -> lower.contains(c.getKey())).findFirst()
          .ifPresent(c -> args.put("category", c.getValue()));
      calls.add(call("searchProducts", args));
    }
    if (intent.equals("escalation_request") && tools.contains("escalateToHuman")) {
      calls.add(call("escalateToHuman", JSON.createObjectNode().put("reason", "the customer asked for a person")
          .put("category", lower.contains("bill") || lower.contains("charge") ? "billing" : "sales")));
    }
    boolean priceObjection = intent.equals("objection") || lower.contains("cheaper") || lower.contains("too expensive");
    if (priceObjection && facts.containsKey("product") && tools.contains("findAlternatives")) {
      calls.add(call("findAlternatives", JSON.createObjectNode().put("product", facts.get("product"))));
    }
    return calls;
  }

  /** Sentences for a tool's result; null for a result it cannot read. */
  static String describe(String tool, String result) {
    try {
      JsonNode json = JSON.readTree(result);
      if (json.has("error")) {
        return tool.equals("calculateSalesTax") ? "I don't have tax data for that state yet; the finance desk will confirm the rate."
            : "I couldn't find that model in our inventory.";
      }
      return switch (tool) {
        case "calculateSalesTax" -> tax(json);
        case "getStock" -> stock(json);
        case "searchProducts" -> found(json);
        case "findAlternatives" -> alternatives(json);
        case "escalateToHuman" -> "I've asked a colleague from our " + json.get("department").asString()
            + " team to take over; your ticket is " + json.get("ticketId").asString() + ".";
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

  private static String stock(JsonNode item) {
    int stock = item.get("stock").asInt();
    return stock > 0
        ? "The " + item.get("name").asString() + " is in stock: " + stock + " available at " + item.get("location").asString()
            + ", " + money(item, "price") + "."
        : "The " + item.get("name").asString() + " is not in stock right now (" + item.get("location").asString() + ").";
  }

  private static String found(JsonNode items) {
    if (items.isEmpty()) {
      return "Nothing in stock matches that right now.";
    }
    StringBuilder text = new StringBuilder("In stock that matches:");
    items.forEach(item -> text.append(" ").append(item.get("name").asString()).append(" (").append(money(item, "price"))
        .append(", ").append(item.get("stock").asInt()).append(" at ").append(item.get("location").asString()).append(");"));
    text.setLength(text.length() - 1);
    return text.append(".").toString();
  }

  private static String alternatives(JsonNode alternatives) {
    StringBuilder text = new StringBuilder();
    JsonNode cheaper = alternatives.get("cheaper");
    JsonNode better = alternatives.get("betterValue");
    if (!cheaper.isEmpty()) {
      text.append("A cheaper option: ").append(cheaper.get(0).get("name").asString()).append(" at ").append(money(cheaper.get(0), "price")).append(". ");
    }
    if (!better.isEmpty()) {
      text.append("For a little more: ").append(better.get(0).get("name").asString()).append(" at ").append(money(better.get(0), "price")).append(".");
    }
    return text.length() == 0 ? "I have no close alternatives in stock right now." : text.toString().strip();
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
