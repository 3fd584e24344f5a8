package dev.parley.llm.knowledge;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An embedding model loaded in the background: the in-process model takes about ten seconds to
 * load on a busy two-core machine, and the service need not wait for it to start, join its group
 * and answer turns that retrieve nothing. The first call that needs the model waits for it.
 */
final class WarmingEmbeddingModel implements EmbeddingModel {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WarmingEmbeddingModel.class);

  private final CompletableFuture<EmbeddingModel> model;

  WarmingEmbeddingModel(Supplier<EmbeddingModel> load) {
    this.model = CompletableFuture.supplyAsync(load, runnable -> {
      Thread thread = new Thread(runnable, "embedding-model-loader");
      thread.setDaemon(true);
      thread.start();
    });
    // Every retrieval then fails (its turn gets the fallback and a dead letter); say why once.
    model.exceptionally(error -> {
      log.error("the embedding model could not be loaded: {}", error.toString());
      return null;
    });
  }

  private EmbeddingModel model() {
    return model.join();
  }

  @Override
  public EmbeddingResponse embed(EmbeddingRequest request) {
    return model().embed(request);
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest request) {
    return model.thenCompose(loaded -> loaded.embedAsync(request));
  }

  @Override
  public Response<Embedding> embed(String text) {
    return model().embed(text);
  }

  @Override
  public Response<Embedding> embed(TextSegment segment) {
    return model().embed(segment);
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
    return model().embedAll(segments);
  }

  @Override
  public int dimension() {
    return model().dimension();
  }

  @Override
  public String modelName() {
    return model().modelName();
  }
}
