package dev.parley.context.director;

/**
 * One coaching rule, kept as data in {@code director/coaching-rules.json}.
 *
 * @param id     stable id; a conversation sees each rule at most once
 * @param when   the condition: product_views_at_least, frustration_at_least, low_stock_at_most,
 *               intent or buying_stage
 * @param value  the condition's parameter (a number, an intent or a stage)
 * @param prompt what to do; {product} and {stock} are filled in by low_stock_at_most
 */
public record CoachingRule(String id, String when, String value, String prompt) {
}
