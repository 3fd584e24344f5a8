package dev.parley.context.intent;

import dev.parley.events.Intent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Classifies a turn's intent from cue words, locally and in microseconds.
 *
 * <p>Deliberately simple for the first slice of the pipeline: confidence is the share of the
 * turn's cue hits that went to the winning intent, capped below 1. An embedding classifier over
 * labelled examples replaces it in the conversation-intelligence work.
 */
public final class IntentClassifier {

  public static final String OTHER = "other";

  /** Cue patterns per intent, in priority order for ties. */
  private static final Map<String, List<Pattern>> CUES = new LinkedHashMap<>();

  static {
    cues("escalation_request", "\\bhuman\\b", "\\b(real|live) (person|agent)\\b", "\\bmanager\\b",
        "\\bspeak (to|with) (someone|somebody|an? agent)\\b", "\\bcomplain");
    cues("objection", "too (expensive|much|high)", "\\bcheaper\\b", "\\bnot sure\\b",
        "\\bthink about it\\b", "\\bbetter (deal|price|offer)\\b", "\\bcompetitor", "\\bcan'?t afford\\b");
    cues("pricing_tax", "\\btax(es)?\\b", "\\bprice\\b", "\\bcost\\b", "\\bfees?\\b",
        "\\bout[- ]the[- ]door\\b", "\\bhow much\\b", "\\btrade[- ]?in\\b");
    cues("financing", "\\bfinanc", "\\bloan\\b", "\\bapr\\b", "\\binterest\\b", "\\bmonthly\\b",
        "\\bpayments?\\b", "\\bdown payment\\b", "\\bcredit\\b", "\\blease\\b", "/ ?mo(nth)?\\b");
    cues("product_search", "\\bin stock\\b", "\\bavailable\\b", "\\bdo you have\\b", "\\bsuv\\b",
        "\\bsedan\\b", "\\btruck\\b", "\\bmodel\\b", "\\blooking for\\b", "\\binventory\\b", "\\bshow me\\b");
    cues("account_inquiry", "\\baccount\\b", "\\binvoice\\b", "\\bsubscription\\b", "\\bbilling\\b");
    cues("technical_support", "\\berror\\b", "\\bnot working\\b", "\\bbug\\b", "\\bcan'?t log ?in\\b");
    cues("greeting", "^\\s*(hi|hello|hey|good (morning|afternoon|evening))\\b");
  }

  private static void cues(String intent, String... patterns) {
    CUES.put(intent, java.util.Arrays.stream(patterns).map(Pattern::compile).toList());
  }

  public Intent classify(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    String best = OTHER;
    int bestHits = 0;
    int totalHits = 0;
    for (var entry : CUES.entrySet()) {
      int hits = (int) entry.getValue().stream().filter(p -> p.matcher(lower).find()).count();
      totalHits += hits;
      if (hits > bestHits) {
        best = entry.getKey();
        bestHits = hits;
      }
    }
    double confidence = totalHits == 0 ? 0.3 : Math.min(0.95, 0.5 + 0.45 * bestHits / totalHits);
    return new Intent(best, Math.round(confidence * 100) / 100.0);
  }
}
