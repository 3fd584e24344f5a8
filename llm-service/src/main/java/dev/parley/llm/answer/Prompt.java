package dev.parley.llm.answer;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.parley.events.ConversationMessage;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Role;
import dev.parley.llm.knowledge.ScoredPassage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the messages sent to the model for a turn: the rules, the turn's CRM context and the
 * retrieved knowledge in the system message, then the history and the customer's turn.
 *
 * <p>Knowledge passages are written one per line as {@code [n] title: text}; models cite them by
 * number, and the offline model reads them back from this layout.
 */
public final class Prompt {

  public static final String KNOWLEDGE_HEADER = "Knowledge:";
  public static final String FACTS_HEADER = "Facts:";
  /** Below this intent confidence the classifier recognised nothing: the assistant asks what the customer needs. */
  static final double UNCLEAR_INTENT = 0.5;
  static final String CLARIFY = "The customer's intent is unclear: answer what you can and ask one short question to learn what they need.";

  /** Whether the assistant is told to ask what the customer means (counted as a clarification request). */
  static boolean asksForClarification(EnrichedTurn turn) {
    return turn.getIntent().getConfidence() < UNCLEAR_INTENT;
  }

  /** Turn entity kinds that are facts for the tools, and the fact names they fill. */
  private static final java.util.Map<String, String> FACT_OF_ENTITY = java.util.Map.of(
      "us_state", "state", "zip", "zip", "money", "price", "trade_in", "trade_in", "down_payment", "down_payment",
      "term_months", "term_months", "apr", "apr", "credit_score", "credit_score",
      "product", "product", "budget_max", "max_price");

  /**
   * The numbers the tools need, in one machine-readable line: from the deal and the customer's
   * CRM record first, then what the customer just said (which wins).
   */
  static java.util.Map<String, String> facts(EnrichedTurn turn) {
    java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
    if (turn.getCustomer() != null && turn.getCustomer().getState() != null) {
      facts.put("state", turn.getCustomer().getState());
    }
    if (turn.getCustomer() != null && turn.getCustomer().getCreditScore() != null) {
      facts.put("credit_score", turn.getCustomer().getCreditScore().toString());
    }
    if (turn.getDeal() != null) {
      var deal = turn.getDeal();
      if (deal.getPrice() != null) {
        facts.put("price", deal.getPrice().stripTrailingZeros().toPlainString());
      }
      if (deal.getDownPayment() != null) {
        facts.put("down_payment", deal.getDownPayment().stripTrailingZeros().toPlainString());
      }
      if (deal.getTradeInValue() != null) {
        facts.put("trade_in", deal.getTradeInValue().stripTrailingZeros().toPlainString());
      }
      if (deal.getVehicle() != null) {
        facts.put("product", deal.getVehicle());
      }
    }
    if (turn.getAnalysis() != null) {
      turn.getAnalysis().getEntities().forEach(entity -> {
        String fact = FACT_OF_ENTITY.get(entity.getType());
        if (fact != null) {
          facts.put(fact, entity.getValue());
        }
      });
    }
    return facts;
  }

  private static final String RULES = """
      %s
      Rules:
      1. Answer from the knowledge below and the customer context; if they do not cover the question, say so and offer to connect the customer with a sales person.
      2. Never invent prices, rates, taxes, payments or stock: compute them with the tools, or quote the knowledge.
      3. Keep answers short and concrete, and reply in the customer's language.
      4. Cite the knowledge you used as [n].
      5. Placeholders such as [PHONE_1] stand for the customer's personal data: use them as they are.""";

  /** What the conversation's sales stage asks of the assistant. */
  private static final java.util.Map<String, String> STAGE_RULES = java.util.Map.of(
      "greeting", "Welcome the customer and ask what brings them here.",
      "qualifying", "Find out budget, timeline and who decides, one question at a time.",
      "needs_analysis", "Understand how the vehicle will be used and what matters most before proposing anything.",
      "solution", "Propose at most two options that fit the stated needs and explain why.",
      "company_details", "Explain the dealership's warranty, service and financing strengths briefly.",
      "quoting", "Give exact figures from the tools: price, tax, fees and monthly payment options.",
      "closing", "Confirm the next step (deposit, paperwork, delivery date) and what the customer needs to bring.");

  private static final java.util.Map<String, String> LANGUAGES = java.util.Map.of(
      "en", "English", "es", "Spanish", "pt", "Portuguese", "fr", "French", "de", "German", "hi", "Hindi (in Latin script)");

  private Prompt() {
  }

  static List<ChatMessage> messages(EnrichedTurn turn, List<ScoredPassage> knowledge) {
    return messages(turn, knowledge, text -> text, "You are Parley, a sales assistant for " + turn.getTurn().getTenantId() + ".");
  }

  /**
   * The messages, with every text that carries the customer's words passed through {@code mask}
   * (personal data replaced by placeholders) before it can reach the model.
   */
  static List<ChatMessage> messages(EnrichedTurn turn, List<ScoredPassage> knowledge,
      java.util.function.UnaryOperator<String> mask, String persona) {
    StringBuilder system = new StringBuilder(RULES.formatted(persona));
    String stageRule = STAGE_RULES.get(turn.getSalesStage());
    if (stageRule != null) {
      system.append("\nSales stage ").append(turn.getSalesStage().replace('_', ' ')).append(": ").append(stageRule);
    }
    String language = LANGUAGES.get(turn.getLanguage());
    if (language != null) {
      system.append("\nReply in ").append(language).append(", the customer's language.");
    }
    if (turn.getCustomer() != null) {
      var customer = turn.getCustomer();
      system.append("\n\nCustomer: ").append(customer.getName())
          .append(customer.getSegment() != null ? ", " + customer.getSegment() : "")
          .append(customer.getState() != null ? ", lives in " + customer.getState() : "")
          .append(customer.getCreditScore() != null ? ", credit score " + customer.getCreditScore() : "");
    }
    if (turn.getDeal() != null) {
      var deal = turn.getDeal();
      system.append("\nDeal ").append(deal.getDealId()).append(": stage ").append(deal.getStage())
          .append(deal.getVehicle() != null ? ", " + deal.getVehicle() : "")
          .append(deal.getPrice() != null ? ", price " + deal.getPrice().toPlainString() : "")
          .append(deal.getDownPayment() != null ? ", down payment " + deal.getDownPayment().toPlainString() : "")
          .append(deal.getTradeInValue() != null ? ", trade-in " + deal.getTradeInValue().toPlainString() : "");
    }
    if (turn.getInsight() != null) {
      var insight = turn.getInsight();
      system.append("\nCustomer insight: ").append(insight.getCluster())
          .append(" (").append(Math.round(insight.getClusterConfidence() * 100)).append("% confidence); ")
          .append(insight.getClusterRecommendation())
          .append(" Recommended strategy: ").append(insight.getDealStrategy())
          .append(insight.getStrategyActions().isEmpty() ? "" : " (" + String.join("; ", insight.getStrategyActions()) + ")");
    }
    if (turn.getProfile() != null && !turn.getProfile().getProductsViewed().isEmpty()) {
      system.append("\nReturning customer; last looked at: ").append(String.join(", ", turn.getProfile().getProductsViewed()));
    }
    if (!turn.getSummary().isBlank()) {
      system.append("\nConversation so far: ").append(mask.apply(turn.getSummary()));
    }
    system.append("\nIntent: ").append(turn.getIntent().getName()).append("; buying stage: ").append(turn.getBuyingStage());
    if (asksForClarification(turn)) {
      system.append("\n").append(CLARIFY);
    }
    for (var coaching : turn.getCoaching()) {
      system.append("\nCoaching: ").append(coaching.getPrompt());
    }
    String facts = facts(turn).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining("; "));
    if (!facts.isEmpty()) {
      system.append("\n").append(FACTS_HEADER).append(" ").append(facts);
    }
    system.append("\n\n").append(KNOWLEDGE_HEADER);
    for (int i = 0; i < knowledge.size(); i++) {
      var passage = knowledge.get(i).passage();
      system.append("\n[").append(i + 1).append("] ").append(passage.title()).append(": ")
          .append(passage.text().replace('\n', ' '));
    }
    if (knowledge.isEmpty()) {
      system.append("\n(none found)");
    }
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(system.toString()));
    for (ConversationMessage message : turn.getHistory()) {
      String text = mask.apply(message.getText());
      messages.add(message.getRole() == Role.USER ? UserMessage.from(text) : AiMessage.from(text));
    }
    messages.add(UserMessage.from(mask.apply(turn.getTurn().getText())));
    return messages;
  }
}
