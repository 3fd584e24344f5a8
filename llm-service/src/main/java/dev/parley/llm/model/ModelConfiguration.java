package dev.parley.llm.model;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import dev.parley.events.ModelInfo;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the model: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, OpenRouter) when
 * {@code parley.model.base-url} is set, otherwise the {@link OfflineChatModel}. Keys come from the
 * environment only.
 */
@Configuration
class ModelConfiguration {

  /** Where the model is, and how many answers may stream from it at once (one connection each). */
  record ModelSettings(String baseUrl, String apiKey, String name, Duration timeout, int connections) {
    boolean offline() {
      return baseUrl == null || baseUrl.isBlank();
    }
  }

  @Bean
  ModelSettings modelSettings(@Value("${parley.model.base-url:}") String baseUrl,
      @Value("${parley.model.api-key:}") String apiKey,
      @Value("${parley.model.name:gpt-4o-mini}") String name,
      @Value("${parley.model.timeout:PT60S}") Duration timeout,
      @Value("${parley.llm.max-in-flight:1024}") int connections) {
    return new ModelSettings(baseUrl, apiKey, name, timeout, connections);
  }

  @Bean
  StreamingChatModel streamingChatModel(ModelSettings settings, ObservationRegistry observations) {
    if (settings.offline()) {
      return new OfflineChatModel(List.of(new ModelCallTraces(observations, "parley-offline", OfflineChatModel.NAME)));
    }
    return OpenAiStreamingChatModel.builder()
        .listeners(List.of(new ModelCallTraces(observations, "openai", settings.name())))
        .baseUrl(settings.baseUrl())
        .apiKey(settings.apiKey().isBlank() ? "none" : settings.apiKey())
        .modelName(settings.name())
        .timeout(settings.timeout())
        .httpClientBuilder(new ReactiveModelHttpClient.Builder(settings.connections()))
        .build();
  }

  @Bean
  @org.springframework.boot.context.properties.ConfigurationProperties("parley.model")
  PriceTable priceTable() {
    return new PriceTable();
  }

  @Bean
  ModelPrices modelPrices(PriceTable table) {
    return new ModelPrices(table.getPrices());
  }

  /** Binds {@code parley.model.prices.<model>.input/output}. */
  static class PriceTable {
    private java.util.Map<String, ModelPrices.Price> prices = new java.util.HashMap<>();

    public java.util.Map<String, ModelPrices.Price> getPrices() {
      return prices;
    }

    public void setPrices(java.util.Map<String, ModelPrices.Price> prices) {
      this.prices = prices;
    }
  }

  /** What every reply says about the model that wrote it. */
  @Bean
  ModelInfo modelInfo(ModelSettings settings) {
    return settings.offline()
        ? new ModelInfo(OfflineChatModel.NAME, "offline", true)
        : new ModelInfo(settings.name(), "openai-compatible", false);
  }
}
