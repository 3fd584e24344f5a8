package dev.parley.llm.knowledge;

import java.time.Instant;
import java.util.List;

/**
 * Structured filters of a knowledge search; null or empty means "any".
 *
 * @param category  the document category, exactly
 * @param tags      documents carrying at least one of these tags
 * @param from      documents updated at or after
 * @param to        documents updated before
 */
public record SearchFilters(String category, List<String> tags, Instant from, Instant to) {

  public static final SearchFilters NONE = new SearchFilters(null, List.of(), null, null);

  public SearchFilters {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
