package dev.parley.llm.knowledge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;

/**
 * Embeddings of single texts (the queries of a search: a customer's question, a product search)
 * kept by text, so a question asked again is not embedded again: customers ask the same few things
 * ("is it in stock?", "what's the price?"), and embedding one with the in-process model costs a few
 * milliseconds of CPU, the largest cost of a turn after the Kafka work. Documents (embedAll) are
 * embedded once when ingested and pass straight through.
 */
final class CachedQueryEmbeddings implements EmbeddingModel {

  private final EmbeddingModel model;
  private final Cache<String, Embedding> byText;

  CachedQueryEmbeddings(EmbeddingModel model, long maxTexts) {
    this.model = model;
    this.byText = Caffeine.newBuilder().maximumSize(maxTexts).build();
  }

  @Override
  public Response<Embedding> embed(String text) {
    return Response.from(byText.get(text, t -> model.embed(t).content()));
  }

  @Override
  public Response<Embedding> embed(TextSegment segment) {
    return embed(segment.text());
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
    return model.embedAll(segments);
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public String modelName() {
    return model.modelName();
  }
}
