package dev.parley.context.intelligence;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guesses a turn's language from its common words: English, Spanish, Portuguese, French, German
 * and romanised Hindi, the languages of Parley's tenants so far. "und" when a turn has too few
 * telling words (a short "ok" or "RAV4?"), so the conversation keeps its previous language.
 */
public final class LanguageDetector {

  public static final String UNDETERMINED = "und";

  private static final Map<String, Set<String>> STOPWORDS = new LinkedHashMap<>();

  static {
    STOPWORDS.put("en", Set.of("the", "is", "are", "and", "what", "how", "much", "do", "you", "have", "i", "my", "can",
        "with", "for", "this", "that", "will", "want", "need", "please", "hello", "hi", "thanks", "of", "a", "in", "it"));
    STOPWORDS.put("es", Set.of("el", "la", "los", "las", "es", "que", "de", "y", "en", "un", "una", "por", "para",
        "con", "cuánto", "cuanto", "quiero", "tiene", "tienen", "hola", "gracias", "mi", "precio", "cuál", "está"));
    STOPWORDS.put("pt", Set.of("o", "os", "as", "é", "que", "de", "e", "em", "um", "uma", "por", "para", "com",
        "quanto", "quero", "tem", "olá", "obrigado", "obrigada", "meu", "minha", "você", "não"));
    STOPWORDS.put("fr", Set.of("le", "la", "les", "est", "que", "de", "et", "en", "un", "une", "pour", "avec",
        "combien", "je", "veux", "vous", "avez", "bonjour", "merci", "mon", "ma", "pas"));
    STOPWORDS.put("de", Set.of("der", "die", "das", "ist", "und", "ein", "eine", "für", "mit", "wie", "viel",
        "ich", "möchte", "haben", "sie", "hallo", "danke", "mein", "nicht", "kostet"));
    STOPWORDS.put("hi", Set.of("hai", "kya", "nahi", "mujhe", "aap", "hain", "kitna", "kitne", "chahiye", "mera",
        "meri", "ka", "ki", "ke", "ko", "se", "bhi", "haan", "accha", "namaste", "dhanyavaad"));
  }

  private static final Pattern WORD = Pattern.compile("[\\p{L}]+");

  public String detect(String text) {
    Map<String, Integer> hits = new LinkedHashMap<>();
    Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (words.find()) {
      for (var language : STOPWORDS.entrySet()) {
        if (language.getValue().contains(words.group())) {
          hits.merge(language.getKey(), 1, Integer::sum);
        }
      }
    }
    String best = UNDETERMINED;
    int bestHits = 0;
    int second = 0;
    for (var entry : hits.entrySet()) {
      if (entry.getValue() > bestHits) {
        second = bestHits;
        best = entry.getKey();
        bestHits = entry.getValue();
      } else if (entry.getValue() > second) {
        second = entry.getValue();
      }
    }
    return bestHits >= 2 && bestHits > second ? best : UNDETERMINED;
  }
}
