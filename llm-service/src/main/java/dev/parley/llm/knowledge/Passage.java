package dev.parley.llm.knowledge;

/** A retrievable piece of a knowledge document. */
public record Passage(String documentId, String title, String category, String text) {
}
