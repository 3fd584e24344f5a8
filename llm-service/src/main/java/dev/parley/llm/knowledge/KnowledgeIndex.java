package dev.parley.llm.knowledge;

import dev.parley.reference.KnowledgeDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Per-tenant lexical retrieval (BM25 over paragraphs), held in memory and rebuilt from the
 * compacted knowledge-documents topic at start.
 *
 * <p>This is the first slice's retrieval: exact-word matching, no embeddings. The PostgreSQL +
 * pgvector hybrid index replaces it. A tenant's query only ever scores that tenant's passages.
 */
public final class KnowledgeIndex {

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Set<String> STOP = Set.of("a", "an", "and", "are", "can", "do", "does", "for", "how",
      "i", "in", "is", "it", "me", "my", "of", "on", "or", "the", "this", "to", "what", "with", "you", "your");
  private static final double K1 = 1.2;
  private static final double B = 0.75;

  private record Indexed(Passage passage, Map<String, Integer> terms, int length) {
  }

  /** tenant → document id → the document's passages. */
  private final Map<String, Map<String, List<Indexed>>> tenants = new ConcurrentHashMap<>();

  /** Adds or replaces a document: a newer version replaces all passages of the older one. */
  public void put(KnowledgeDocument document) {
    List<Indexed> passages = new ArrayList<>();
    for (String paragraph : document.getText().split("\\n\\s*\\n")) {
      if (!paragraph.isBlank()) {
        List<String> words = words(paragraph);
        Map<String, Integer> terms = new HashMap<>();
        words.forEach(word -> terms.merge(word, 1, Integer::sum));
        passages.add(new Indexed(new Passage(document.getDocumentId(), document.getTitle(), document.getCategory(),
            paragraph.strip()), terms, words.size()));
      }
    }
    tenants.computeIfAbsent(document.getTenantId(), t -> new ConcurrentHashMap<>())
        .put(document.getDocumentId(), List.copyOf(passages));
  }

  /** Removes a document (a tombstone on the topic). */
  public void remove(String tenantId, String documentId) {
    Map<String, List<Indexed>> documents = tenants.get(tenantId);
    if (documents != null) {
      documents.remove(documentId);
    }
  }

  /** The tenant's passages that best match the query, best first; only those sharing a word with it. */
  public List<ScoredPassage> search(String tenantId, String query, int limit) {
    List<Indexed> passages = tenants.getOrDefault(tenantId, Map.of()).values().stream()
        .flatMap(List::stream).toList();
    Set<String> queryTerms = Set.copyOf(words(query));
    if (passages.isEmpty() || queryTerms.isEmpty()) {
      return List.of();
    }
    double averageLength = passages.stream().mapToInt(Indexed::length).average().orElse(1);
    Map<String, Long> documentFrequency = new HashMap<>();
    for (String term : queryTerms) {
      documentFrequency.put(term, passages.stream().filter(p -> p.terms().containsKey(term)).count());
    }
    List<ScoredPassage> scored = new ArrayList<>();
    for (Indexed indexed : passages) {
      double bm25 = 0;
      for (String term : queryTerms) {
        int tf = indexed.terms().getOrDefault(term, 0);
        if (tf > 0) {
          double df = documentFrequency.get(term);
          double idf = Math.log(1 + (passages.size() - df + 0.5) / (df + 0.5));
          bm25 += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * indexed.length() / averageLength));
        }
      }
      if (bm25 > 0) {
        // Squash the unbounded BM25 score into 0..1 so scores read the same across queries.
        scored.add(new ScoredPassage(indexed.passage(), Math.round(bm25 / (bm25 + 3) * 1000) / 1000.0));
      }
    }
    scored.sort(Comparator.comparingDouble(ScoredPassage::score).reversed());
    return List.copyOf(scored.subList(0, Math.min(limit, scored.size())));
  }

  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    var matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      String word = stem(matcher.group());
      if (!STOP.contains(word)) {
        words.add(word);
      }
    }
    return words;
  }

  /** Plural and simple suffixes only: "taxes" and "tax", "payments" and "payment" meet. */
  private static String stem(String word) {
    if (word.length() > 4 && word.endsWith("es") && (word.endsWith("xes") || word.endsWith("ses"))) {
      return word.substring(0, word.length() - 2);
    }
    if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
      return word.substring(0, word.length() - 1);
    }
    return word;
  }
}
