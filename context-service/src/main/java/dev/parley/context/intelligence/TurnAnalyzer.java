package dev.parley.context.intelligence;

import dev.parley.context.intent.IntentClassifier;
import dev.parley.events.Intent;
import dev.parley.events.TurnAnalysis;

/** Everything context-service reads in a turn, in one place: intent, language, entities, sentiment. */
public final class TurnAnalyzer {

  /** The result of reading one turn. */
  public record Reading(Intent intent, TurnAnalysis analysis) {
  }

  private final IntentClassifier intents = new IntentClassifier();
  private final EntityExtractor entities = new EntityExtractor();
  private final SentimentAnalyzer sentiment = new SentimentAnalyzer();
  private final LanguageDetector language = new LanguageDetector();

  public Reading read(String text, Catalog catalog) {
    SentimentAnalyzer.Sentiment feeling = sentiment.analyze(text);
    return new Reading(intents.classify(text), TurnAnalysis.newBuilder()
        .setLanguage(language.detect(text))
        .setEntities(entities.extract(text, catalog))
        .setSentiment(feeling.score())
        .setFrustration(feeling.frustration())
        .build());
  }
}
