package dev.parley.llm.knowledge;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class KnowledgeConfiguration {

  @Bean
  KnowledgeIndex knowledgeIndex() {
    return new KnowledgeIndex();
  }
}
