package dev.parley.llm;

import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.health.Workers;
import dev.parley.schemas.TopicFollower;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * Keeps a store in step with a compacted reference topic (knowledge documents, inventory): reads
 * it whole at start, before any turn is answered (this lifecycle starts before the turn
 * dispatcher), then follows it. A tombstone deletes. Runs on its own thread, so waiting for the
 * database here blocks no event loop.
 */
public final class ReferenceLoader<V extends SpecificRecord> implements SmartLifecycle {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final String name;
  private final String topic;
  private final Class<V> type;
  private final KafkaProperties properties;
  private final AvroSerdes serdes;
  private final Function<V, Mono<?>> upsert;
  private final BiFunction<String, String, Mono<?>> delete;
  private final Workers workers;
  private final MeterRegistry meters;
  private volatile TopicFollower follower;

  /**
   * @param upsert stores a record
   * @param delete removes by tenant id and entity id (the parts of the record key)
   */
  public ReferenceLoader(String name, String topic, Class<V> type, KafkaProperties properties, AvroSerdes serdes,
      Function<V, Mono<?>> upsert, BiFunction<String, String, Mono<?>> delete, Workers workers, MeterRegistry meters) {
    this.workers = workers;
    this.meters = meters;
    this.name = name;
    this.topic = topic;
    this.type = type;
    this.properties = properties;
    this.serdes = serdes;
    this.upsert = upsert;
    this.delete = delete;
  }

  @Override
  public void start() {
    follower = TopicFollower.start(name, properties.buildConsumerProperties(), serdes, List.of(topic),
        TopicFollower.StartAt.BEGINNING, record -> {
          if (type.isInstance(record.value())) {
            upsert.apply(type.cast(record.value())).block(TIMEOUT);
          } else if (record.value() == null && record.key() != null) {
            String key = record.key();
            delete.apply(Keys.tenantOf(key), key.substring(key.indexOf(':') + 1)).block(TIMEOUT);
          }
        // The store's database may be down for a while: the same record is tried again until it is
        // stored (health says "not ready" meanwhile); nothing of the topic is skipped.
        }, () -> { }, workers, TopicFollower.OnFailure.RETRY, meters);
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

  /** Before the turn dispatcher (default phase), so no turn meets an empty store. */
  @Override
  public int getPhase() {
    return -100;
  }
}
