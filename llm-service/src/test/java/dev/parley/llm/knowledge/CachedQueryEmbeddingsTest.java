package dev.parley.llm.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedQueryEmbeddingsTest {

  /** Embeds a text as its length and counts what it was asked. */
  private static final class CountingModel implements EmbeddingModel {
    final List<String> asked = new ArrayList<>();

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
      segments.forEach(segment -> asked.add(segment.text()));
      return Response.from(segments.stream().map(segment -> Embedding.from(new float[] {segment.text().length()})).toList());
    }
  }

  @Test
  void aQuestionAskedAgainIsNotEmbeddedAgain() {
    CountingModel model = new CountingModel();
    CachedQueryEmbeddings cached = new CachedQueryEmbeddings(model, 100);

    Embedding first = cached.embed("is the RAV4 in stock?").content();
    Embedding again = cached.embed(TextSegment.from("is the RAV4 in stock?")).content();
    cached.embed("what's the price?");

    assertThat(again.vector()).isEqualTo(first.vector());
    assertThat(model.asked).containsExactly("is the RAV4 in stock?", "what's the price?");
  }

  @Test
  void documentsAreEmbeddedEveryTimeAndNotKept() {
    CountingModel model = new CountingModel();
    CachedQueryEmbeddings cached = new CachedQueryEmbeddings(model, 100);

    cached.embedAll(List.of(TextSegment.from("chunk one"), TextSegment.from("chunk two")));
    cached.embedAll(List.of(TextSegment.from("chunk one")));
    cached.embed("chunk one");

    assertThat(model.asked).containsExactly("chunk one", "chunk two", "chunk one", "chunk one");
  }
}
