package dev.parley.e2e;

import dev.parley.devstack.EmbeddedKraftBroker;
import dev.parley.devstack.KafkaBroker;
import dev.parley.devstack.KraftCluster;
import dev.parley.devstack.SampleData;
import dev.parley.devstack.Stack;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one pipeline every end-to-end test (and the benchmark) shares in a test run: a Kafka broker, the schema
 * registry and the four services, started once (about 25 s) and stopped when the JVM exits.
 *
 * <p>The broker is a Testcontainers Kafka container where a Docker engine is reachable (a laptop,
 * another CI) and the embedded KRaft broker otherwise (always, on machines without Docker).
 */
public final class Pipeline {

  private static Stack stack;
  private static KafkaBroker broker;
  private static FakeProvider provider;

  /** The tenant whose replies the stack also delivers to a webhook on the fake provider. */
  static final String HOOKED_TENANT = "hooked-dealer";
  static final String HOOK_SECRET = "webhook-secret-for-tests-only";
  /** The hooked tenant's two webhooks: one wants every event, one only conversation events. */
  static final String ALL_EVENTS_HOOK = "/hooks/" + HOOKED_TENANT;
  static final String CONVERSATION_EVENTS_HOOK = "/hooks/" + HOOKED_TENANT + "/conversations";
  /** The WhatsApp channel ingress accepts webhooks for, and its signing secret. */
  public static final String WHATSAPP_CHANNEL = "acme-wa";
  public static final String WHATSAPP_SECRET = "wazzup-secret-for-tests-only";
  /**
   * This run's mark on the tenants whose rate-limit buckets the tests use up: the buckets live in
   * PostgreSQL, which outlives a run, so each run has tenants of its own.
   */
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  /** A tenant with low rate limits: 5 messages a minute per user, 8 an hour for the tenant. */
  static final String LIMITED_TENANT = "limited-" + RUN;
  /** A tenant whose WhatsApp numbers may send 3 messages a minute, on its own channel. */
  static final String FLOODED_TENANT = "flooded-" + RUN;
  static final String FLOODED_CHANNEL = "flooded-wa";
  /** The tenant the hostile-input test sends to, and its WhatsApp channel. */
  static final String FUZZ_TENANT = "fuzz-" + RUN;
  static final String FUZZ_CHANNEL = "fuzz-wa";
  /** A tenant whose chat widget runs on one website, which browsers may call the API from. */
  static final String WIDGET_TENANT = "widget-dealer";
  static final String WIDGET_ORIGIN = "https://shop.example.com";

  private Pipeline() {
  }

  public static synchronized Stack stack() {
    if (stack == null) {
      Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
      // The full fault suite restarts a broker: three of them, each a process of its own. The full
      // benchmark counts the broker's CPU: one, in a process of its own (three when it scales out).
      broker = "full".equals(System.getProperty("parley.faults")) ? new KraftCluster(3, root.resolve("e2e-tests/target/kafka-cluster"))
          : "full".equals(System.getProperty("parley.bench"))
              ? new KraftCluster(Boolean.getBoolean("parley.bench.scale-out") ? 3 : 1, root.resolve("e2e-tests/target/kafka-bench"))
          : dockerAvailable() ? new ContainerBroker() : new EmbeddedKraftBroker();
      provider = new FakeProvider();
      // delivery-service talks to the fake WhatsApp provider, retries quickly, and has one tenant
      // with a webhook; structured settings travel as SPRING_APPLICATION_JSON.
      Map<String, String> delivery = Map.of(
          "PARLEY_WAZZUP_API_URL", provider.url().toString(),
          "PARLEY_WAZZUP_API_KEY", "test-key",
          "PARLEY_DELIVERY_MAX_ATTEMPTS", "3",
          "PARLEY_DELIVERY_FIRST_BACKOFF", "PT0.05S",
          "PARLEY_DELIVERY_TIMEOUT", "PT5S",
          "SPRING_APPLICATION_JSON", "{\"parley\":{\"delivery\":{\"webhooks\":{\"" + HOOKED_TENANT + "\":["
              + "{\"url\":\"" + provider.url() + ALL_EVENTS_HOOK + "\",\"secret\":\"" + HOOK_SECRET + "\"},"
              + "{\"url\":\"" + provider.url() + CONVERSATION_EVENTS_HOOK + "\",\"secret\":\"" + HOOK_SECRET
              + "\",\"events\":[\"conversation.*\"]}]}}}}");
      // ingress: the WhatsApp channels, and rate limits high enough for every other test to send
      // freely, but for two tenants kept for the limits' own tests.
      Map<String, String> ingress = Map.of(
          "PARLEY_RATE_LIMIT_PER_USER_PER_MINUTE", "100000",
          "PARLEY_RATE_LIMIT_PER_USER_PER_HOUR", "1000000",
          "PARLEY_RATE_LIMIT_PER_TENANT_PER_HOUR", "10000000",
          "SPRING_APPLICATION_JSON", "{\"parley\":{\"channels\":{\"wazzup\":{"
              + "\"" + WHATSAPP_CHANNEL + "\":{\"tenant\":\"" + SampleData.TENANT + "\",\"secret\":\"" + WHATSAPP_SECRET + "\"},"
              + "\"" + FLOODED_CHANNEL + "\":{\"tenant\":\"" + FLOODED_TENANT + "\",\"secret\":\"" + WHATSAPP_SECRET + "\"},"
              + "\"" + FUZZ_CHANNEL + "\":{\"tenant\":\"" + FUZZ_TENANT + "\",\"secret\":\"" + WHATSAPP_SECRET + "\"}}},"
              + "\"cors\":{\"tenants\":{\"" + WIDGET_TENANT + "\":[\"" + WIDGET_ORIGIN + "\"]}},"
              + "\"rate-limits\":{\"tenants\":{"
              + "\"" + LIMITED_TENANT + "\":{\"per-user-per-minute\":5,\"per-user-per-hour\":100,\"per-tenant-per-hour\":8},"
              + "\"" + FLOODED_TENANT + "\":{\"per-user-per-minute\":3,\"per-user-per-hour\":100}}}}}");
      stack = Stack.start(broker, new Stack.Options(root, root.resolve("e2e-tests/target/pipeline"), 0, "parley_test",
          Map.of("delivery-service", delivery, "ingress-service", ingress)));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.close();
        broker.close();
        provider.close();
      }));
    }
    return stack;
  }

  /** The broker or cluster the stack runs on. */
  public static synchronized KafkaBroker broker() {
    stack();
    return broker;
  }

  static synchronized FakeProvider provider() {
    stack();
    return provider;
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
