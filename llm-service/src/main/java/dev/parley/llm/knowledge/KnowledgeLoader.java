package dev.parley.llm.knowledge;

import dev.parley.reference.KnowledgeDocument;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.TopicFollower;
import dev.parley.schemas.Topics;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the knowledge base in step with the compacted knowledge-documents topic: reads it whole at
 * start, before any turn is answered (this lifecycle starts before the listener containers), then
 * follows it. A tombstone removes the document; a version already stored is not embedded again.
 * Runs on its own thread, so waiting for the database here blocks no event loop.
 */
@Component
class KnowledgeLoader implements SmartLifecycle {

  private static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(2);

  private final KafkaProperties properties;
  private final AvroSerdes serdes;
  private final KnowledgeService knowledge;
  private volatile TopicFollower follower;

  KnowledgeLoader(KafkaProperties properties, AvroSerdes serdes, KnowledgeService knowledge) {
    this.properties = properties;
    this.serdes = serdes;
    this.knowledge = knowledge;
  }

  @Override
  public void start() {
    follower = TopicFollower.start("knowledge-loader", properties.buildConsumerProperties(), serdes,
        List.of(Topics.KNOWLEDGE_DOCUMENTS.name()), TopicFollower.StartAt.BEGINNING, this::apply, () -> { });
  }

  private void apply(ConsumerRecord<String, SpecificRecord> record) {
    if (record.value() instanceof KnowledgeDocument document) {
      knowledge.ingest(document).block(TIMEOUT);
    } else if (record.value() == null && record.key() != null) {
      String key = record.key();
      knowledge.delete(Keys.tenantOf(key), key.substring(key.indexOf(':') + 1)).block(TIMEOUT);
    }
  }

  @Override
  public void stop() {
    if (follower != null) {
      follower.close();
      follower = null;
    }
  }

  @Override
  public boolean isRunning() {
    return follower != null;
  }

  /** Before the listener containers (their phase is much later), so no turn meets an empty index. */
  @Override
  public int getPhase() {
    return 0;
  }
}
