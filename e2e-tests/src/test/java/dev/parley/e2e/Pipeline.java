package dev.parley.e2e;

import dev.parley.devstack.EmbeddedKraftBroker;
import dev.parley.devstack.KafkaBroker;
import dev.parley.devstack.Stack;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one pipeline every end-to-end test shares in a test run: a Kafka broker, the schema
 * registry and the four services, started once (about 25 s) and stopped when the JVM exits.
 *
 * <p>The broker is a Testcontainers Kafka container where a Docker engine is reachable (a laptop,
 * another CI) and the embedded KRaft broker otherwise (always, on machines without Docker).
 */
final class Pipeline {

  private static Stack stack;

  private Pipeline() {
  }

  static synchronized Stack stack() {
    if (stack == null) {
      KafkaBroker broker = dockerAvailable() ? new ContainerBroker() : new EmbeddedKraftBroker();
      Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
      stack = Stack.start(broker, new Stack.Options(root, root.resolve("e2e-tests/target/pipeline"), 0, "parley_test", Map.of()));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.close();
        broker.close();
      }));
    }
    return stack;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** A Kafka broker in a container, with topic auto-creation off as in production. */
  private static final class ContainerBroker implements KafkaBroker {
    private final KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0")
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");

    ContainerBroker() {
      container.start();
    }

    @Override
    public String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public void close() {
      container.stop();
    }
  }
}
