package dev.parley.context.intelligence;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lexicon sentiment and frustration, in microseconds and without a model: positive and negative
 * words (a negation just before a word flips it), plus the signs of an annoyed customer (phrases
 * such as "still waiting", shouting in capitals, repeated "!" or "?").
 */
public final class SentimentAnalyzer {

  /** Sentiment from -1 to 1 and frustration from 0 to 10. */
  public record Sentiment(double score, int frustration) {
  }

  private static final Set<String> POSITIVE = Set.of("good", "great", "excellent", "love", "like", "nice", "perfect",
      "thanks", "thank", "awesome", "amazing", "happy", "helpful", "interested", "fantastic", "wonderful", "best",
      "glad", "cool", "fine", "excited", "beautiful", "appreciate", "gracias", "genial", "bueno", "excelente");
  private static final Set<String> NEGATIVE = Set.of("bad", "terrible", "awful", "hate", "expensive", "worst", "poor",
      "disappointed", "disappointing", "angry", "annoyed", "frustrated", "frustrating", "useless", "ridiculous",
      "scam", "rude", "slow", "problem", "issue", "wrong", "never", "unhappy", "upset", "horrible", "overpriced",
      "confusing", "waste", "caro", "malo");
  private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "dont", "don't", "isnt", "isn't", "wasnt",
      "wasn't", "cant", "can't", "won't", "wont", "didnt", "didn't", "nothing", "hardly");
  private static final List<String> FRUSTRATION_PHRASES = List.of("still waiting", "waste of time", "again",
      "already told", "already said", "how many times", "ridiculous", "unacceptable", "speak to a human", "real person",
      "manager", "no one", "nobody", "fed up", "give up", "what the", "seriously", "useless", "scam", "cancel");
  private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
  private static final Pattern SHOUTED = Pattern.compile("\\b[A-Z]{3,}\\b");

  public Sentiment analyze(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    Matcher words = WORD.matcher(lower);
    int positive = 0;
    int negative = 0;
    String previous = "";
    String beforePrevious = "";
    while (words.find()) {
      String word = words.group();
      boolean negated = NEGATIONS.contains(previous) || NEGATIONS.contains(beforePrevious);
      if (POSITIVE.contains(word)) {
        if (negated) {
          negative++;
        } else {
          positive++;
        }
      } else if (NEGATIVE.contains(word)) {
        if (negated) {
          positive++;
        } else {
          negative++;
        }
      }
      beforePrevious = previous;
      previous = word;
    }
    double score = positive + negative == 0 ? 0 : (positive - negative) / (double) (positive + negative + 1);
    int phrases = (int) FRUSTRATION_PHRASES.stream().filter(lower::contains).count();
    long shouted = SHOUTED.matcher(text).results().filter(m -> !m.group().matches("APR|SUV|USD|BHK|ZIP|TX|CA|FL|NY|XLE|XSE|XLT|LX|EX")).count();
    int marks = countRuns(text, "!!") + countRuns(text, "??") + countRuns(text, "?!");
    int frustration = Math.min(10, negative * 2 + phrases * 2 + (int) Math.min(3, shouted) + Math.min(2, marks)
        + (score < -0.3 ? 1 : 0));
    return new Sentiment(Math.round(score * 100) / 100.0, frustration);
  }

  private static int countRuns(String text, String run) {
    int count = 0;
    for (int at = text.indexOf(run); at >= 0; at = text.indexOf(run, at + run.length())) {
      count++;
    }
    return count;
  }
}
