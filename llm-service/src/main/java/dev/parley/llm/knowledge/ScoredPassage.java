package dev.parley.llm.knowledge;

/** A passage with its relevance to a query, between 0 and 1. */
public record ScoredPassage(Passage passage, double score) {
}
