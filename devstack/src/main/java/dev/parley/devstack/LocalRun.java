package dev.parley.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command local run: an embedded KRaft broker, the schema registry and the four services,
 * with the sample dealership loaded. Prints a development token and a curl line, then runs until
 * Ctrl-C, which stops every process it started.
 *
 * <p>Set PARLEY_MODEL_BASE_URL (and PARLEY_MODEL_API_KEY, PARLEY_MODEL_NAME) to answer with a real
 * OpenAI-compatible model instead of the offline one.
 */
public final class LocalRun {

  private LocalRun() {
  }

  public static void main(String[] args) throws InterruptedException {
    long started = System.nanoTime();
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    int port = Integer.parseInt(System.getenv().getOrDefault("PARLEY_INGRESS_PORT", "8080"));
    Map<String, String> model = new HashMap<>();
    for (String name : new String[] {"PARLEY_MODEL_BASE_URL", "PARLEY_MODEL_API_KEY", "PARLEY_MODEL_NAME"}) {
      if (System.getenv(name) != null) {
        model.put(name, System.getenv(name));
      }
    }
    System.out.println("Starting Parley: embedded Kafka broker, schema registry, four services ...");
    EmbeddedKraftBroker broker = new EmbeddedKraftBroker();
    Stack stack;
    try {
      stack = Stack.start(broker, new Stack.Options(root, root.resolve(".parley"), port, "parley", Map.of("llm-service", model)));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping Parley ...");
      stack.close();
      broker.close();
      System.out.println("Stopped.");
      stopped.countDown();
    }, "parley-shutdown"));

    String token = stack.tokens().mint(SampleData.TENANT, "dev-user", Duration.ofHours(12));
    System.out.printf("""

        Parley is running (started in %.1f s). Sample tenant: %s (Acme Motors dealership).
          ingress   %s
          Kafka     %s
          registry  %s
          logs      %s

        Development token (tenant %s, 12 h):
          export TOKEN=%s

        Ask something:
          curl -s %s/ai/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"message":"How much sales tax will I pay in Texas with a trade-in?","customerId":"c-1001","dealId":"d-2001"}'

        Stream a reply as server-sent events:
          curl -s %s/ai/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -H 'Prefer: respond-async' -d '{"message":"What APR can I get with a 720 credit score?"}'
          curl -N -H "Authorization: Bearer $TOKEN" %s<streamUrl from the answer above>

        Press Ctrl-C to stop.
        """,
        (System.nanoTime() - started) / 1e9, SampleData.TENANT, stack.ingressUrl(), stack.bootstrapServers(),
        stack.registryUrl(), root.resolve(".parley/logs"), SampleData.TENANT, token,
        stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl());
    stopped.await();
  }
}
