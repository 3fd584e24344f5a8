package dev.parley.devstack;

import dev.parley.schemas.SchemaRegistrySetup;
import dev.parley.schemas.Topics;
import dev.parley.schemas.auth.ServiceIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Parley's whole pipeline on one machine: a Kafka broker, the Apicurio schema registry and the
 * four services, each service in its own JVM started from its runnable jar, as in production.
 * Used by the one-command local run and by the end-to-end tests.
 *
 * <p>Closing it stops every process it started, and the broker.
 */
public final class Stack implements AutoCloseable {

  /** The services, in the order their logs are listed. */
  public static final List<String> SERVICES = List.of("ingress-service", "context-service", "llm-service", "delivery-service");

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** The PostgreSQL role each service that keeps data logs in as. */
  public static final Map<String, String> DATABASE_ROLES = Map.of(
      "llm-service", "parley_llm", "delivery-service", "parley_delivery", "ingress-service", "parley_ingress");

  /**
   * How to start the stack.
   *
   * @param repoRoot    the checkout, holding each module's target/ folder
   * @param workDir     where logs and state go
   * @param ingressPort ingress-service's port, 0 for any free port
   * @param database    the PostgreSQL database (with pgvector) of llm-service's knowledge base, on this machine
   * @param extraEnv    more environment for a service, by service name (for example a model endpoint for llm-service)
   */
  public record Options(Path repoRoot, Path workDir, int ingressPort, String database,
      Map<String, Map<String, String>> extraEnv) {
  }

  /** How a service was started, so it can be started again. */
  private record Launch(Path jar, Map<String, String> env, Path logs, int port) {
  }

  private final KafkaBroker broker;
  private final List<JavaProcess> processes = new ArrayList<>();
  private final Map<String, Launch> launches = new HashMap<>();
  /** How a service restarted with a changed environment was first launched. */
  private final Map<String, Launch> firstLaunches = new HashMap<>();
  private final Map<String, JavaProcess> running = new HashMap<>();
  private final String jwtSecret = UUID.randomUUID() + "-" + UUID.randomUUID();
  private final DevTokens tokens = new DevTokens(jwtSecret);
  /** The services' own secret: never the users' one, so no user token passes for a service. */
  private final String serviceSecret = UUID.randomUUID() + "-" + UUID.randomUUID();
  private final ServiceIdentity services = new ServiceIdentity("devstack", serviceSecret);
  /** What Prometheus would show at /actuator/prometheus. */
  private final String metricsToken = "scrape-" + UUID.randomUUID();
  private final Map<String, Integer> ports = new HashMap<>();
  private String registryUrl;

  private Stack(KafkaBroker broker) {
    this.broker = broker;
  }

  /** Starts the registry and the four services against the broker, with the sample tenant loaded. */
  public static Stack start(KafkaBroker broker, Options options) {
    Stack stack = new Stack(broker);
    try {
      stack.boot(options);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void boot(Options options) {
    Path logs = options.workDir().resolve("logs");
    deleteRecursively(logs); // each run starts with fresh logs; a restarted service appends to its own
    // Local state belongs to the broker it was built from: a new broker means new changelogs, and
    // stale stores whose checkpoints happen to fit them would be trusted as current.
    deleteRecursively(options.workDir().resolve("state"));
    // The broker is new: so is what the services keep in PostgreSQL about its log.
    ServiceSchemas.reset(options.database());
    createTopics();

    int registryPort = freePort();
    JavaProcess registry;
    processes.add(registry = JavaProcess.start("schema-registry",
            options.repoRoot().resolve("devstack/registry/target/schema-registry-runner.jar"),
            List.of("-Dquarkus.http.port=" + registryPort, "-Dquarkus.http.host=127.0.0.1"), Map.of(), logs)
        .awaitHealthy(URI.create("http://127.0.0.1:" + registryPort + "/apis/registry/v2/system/info"), START_TIMEOUT));
    running.put("schema-registry", registry);
    registryUrl = "http://127.0.0.1:" + registryPort + "/apis/registry/v2";
    // Every schema registered once, one at a time, before the services start: four services
    // registering new schemas at once into the in-memory registry can collide on its content ids
    // (a 500 that may repeat for a while); finding them registered, they only read.
    new SchemaRegistrySetup(registryUrl).ensure(Topics.ALL);

    // Reference data first: llm-service reads the knowledge base before it answers anything.
    SampleData.load(broker.bootstrapServers(), registryUrl);

    for (String service : SERVICES) {
      ports.put(service, service.equals("ingress-service") && options.ingressPort() > 0 ? options.ingressPort() : freePort());
    }
    List<CompletableFuture<JavaProcess>> starting = new ArrayList<>();
    for (String service : SERVICES) {
      int port = ports.get(service);
      Map<String, String> env = new HashMap<>(Map.of(
          "PORT", Integer.toString(port),
          "PARLEY_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
          "PARLEY_REGISTRY_URL", registryUrl,
          "PARLEY_JWT_SECRET", jwtSecret,
          "PARLEY_SERVICE_SECRET", serviceSecret,
          "PARLEY_STATE_DIR", options.workDir().resolve("state").resolve(service).toString(),
          "PARLEY_CONTEXT_URL", "http://127.0.0.1:" + ports.get("context-service"),
          "PARLEY_LLM_URL", "http://127.0.0.1:" + ports.get("llm-service"),
          "PARLEY_DELIVERY_URL", "http://127.0.0.1:" + ports.get("delivery-service"),
          "PARLEY_WEBHOOKS_ALLOW_HTTP", "true")); // local receivers are plain http
      env.put("PARLEY_KAFKA_REPLICATION_FACTOR", Short.toString(broker.replicationFactor()));
      env.put("PARLEY_INSTANCE_ID", service); // a stable name: a restart rejoins its groups at once
      env.put("PARLEY_METRICS_TOKEN", metricsToken);
      if (DATABASE_ROLES.containsKey(service)) {
        // Each service its own role, owning only its own schema (devstack/postgres/setup.sh makes
        // them; local test credentials, not secrets).
        String role = DATABASE_ROLES.get(service);
        env.putAll(Map.of("PARLEY_DB_URL", "r2dbc:postgresql://127.0.0.1:5432/" + options.database(),
            "PARLEY_DB_USERNAME", role, "PARLEY_DB_PASSWORD", role));
      }
      if (service.equals("delivery-service")) {
        // Receivers of a local run and the tests listen on this machine; in production none may.
        env.put("PARLEY_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8");
        env.put("PARLEY_SECRETS_KEY", secretsKey(options.workDir()));
      }
      env.putAll(options.extraEnv().getOrDefault(service, Map.of()));
      Launch launch = new Launch(runnableJar(options.repoRoot(), service), Map.copyOf(env), logs, port);
      launches.put(service, launch);
      JavaProcess process = launch(service, launch);
      starting.add(CompletableFuture.supplyAsync(() -> awaitHealthy(process, launch)));
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  private JavaProcess launch(String service, Launch launch) {
    JavaProcess process = JavaProcess.start(service, launch.jar(), List.of(), launch.env(), launch.logs());
    processes.add(process);
    running.put(service, process);
    return process;
  }

  private static JavaProcess awaitHealthy(JavaProcess process, Launch launch) {
    return process.awaitHealthy(URI.create("http://127.0.0.1:" + launch.port() + "/actuator/health"), START_TIMEOUT);
  }

  /**
   * Stops a service and starts it again on the same port, as a deploy or a crash would. With
   * {@code wipeState} its local state directory is deleted first, so a Kafka Streams service must
   * rebuild its stores from their changelog topics.
   */
  public void restart(String service, boolean wipeState) {
    Launch launch = launches.get(service);
    JavaProcess old = running.remove(service);
    old.close();
    processes.remove(old);
    if (wipeState) {
      deleteRecursively(Path.of(launch.env().get("PARLEY_STATE_DIR")));
    }
    awaitHealthy(launch(service, launch), launch);
  }

  /**
   * Restarts a service with some of its environment changed, on the same port (for example a new
   * {@code PARLEY_ANALYTICS_APPLICATION_ID}: a reset analytics application). An empty map restarts
   * it as it was first launched.
   */
  public void restart(String service, Map<String, String> changedEnv) {
    Launch first = firstLaunches.computeIfAbsent(service, launches::get);
    Map<String, String> env = new HashMap<>(first.env());
    env.putAll(changedEnv);
    Launch launch = new Launch(first.jar(), Map.copyOf(env), first.logs(), first.port());
    launches.put(service, launch);
    stopService(service);
    awaitHealthy(launch(service, launch), launch);
  }

  /** Stops a service, as a crash or an outage would; {@link #startService} brings it back. */
  public void stopService(String service) {
    JavaProcess old = running.remove(service);
    if (old != null) {
      old.close();
      processes.remove(old);
    }
  }

  /**
   * Kills a service or an instance started with {@link #startInstance} with SIGKILL, as a crash
   * would: nothing is flushed, no group is left. {@link #startService} brings a service back.
   */
  public void kill(String instanceName) {
    JavaProcess process = running.remove(instanceName);
    if (process != null) {
      process.kill();
      processes.remove(process);
    }
  }

  /**
   * Freezes a process of the stack (SIGSTOP) until {@link #thaw}: it answers nothing, holds its
   * connections and keeps its state, as a process stalled by a long GC pause or a hung host would.
   * The in-memory schema registry is made unavailable this way (restarting it would lose its schemas).
   */
  public void freeze(String name) {
    signal(name, "STOP");
  }

  public void thaw(String name) {
    signal(name, "CONT");
  }

  private void signal(String name, String signal) {
    JavaProcess process = running.get(name);
    if (process == null) {
      throw new IllegalArgumentException("no running process " + name);
    }
    process.signal(signal);
  }

  /** Starts a service stopped with {@link #stopService}, on the same port, and waits until it is healthy. */
  public void startService(String service) {
    Launch launch = launches.get(service);
    awaitHealthy(launch(service, launch), launch);
  }

  /**
   * Starts one more instance of a service (same application and group, its own port and state
   * directory), as a scale-out would. Returns its base URL; {@link #stopInstance} or closing the
   * stack stops it.
   */
  public URI startInstance(String service, String instanceName) {
    return startInstance(service, instanceName, Map.of());
  }

  /**
   * As {@link #startInstance(String, String)}, with some of the service's environment changed (for
   * example a model endpoint for an llm-service instance, or the {@code PARLEY_INSTANCE_ID} of a
   * stopped service, whose partitions it then takes over at once).
   */
  public URI startInstance(String service, String instanceName, Map<String, String> changedEnv) {
    Launch first = launches.get(service);
    int port = freePort();
    Map<String, String> env = new HashMap<>(first.env());
    env.put("PORT", Integer.toString(port));
    env.put("PARLEY_STATE_DIR", first.env().get("PARLEY_STATE_DIR") + "-" + instanceName);
    env.put("PARLEY_INSTANCE_ID", instanceName);
    env.putAll(changedEnv);
    Launch launch = new Launch(first.jar(), Map.copyOf(env), first.logs(), port);
    launches.put(instanceName, launch);
    JavaProcess process = JavaProcess.start(instanceName, launch.jar(), List.of(), launch.env(), launch.logs());
    processes.add(process);
    running.put(instanceName, process);
    awaitHealthy(process, launch);
    return URI.create("http://localhost:" + port);
  }

  /** Stops an instance started with {@link #startInstance}. */
  public void stopInstance(String instanceName) {
    JavaProcess process = running.remove(instanceName);
    if (process != null) {
      process.close();
      processes.remove(process);
    }
  }

  /**
   * The key webhook secrets are sealed with, kept beside the state: PostgreSQL outlives a run, so a
   * run must open what the last one sealed. Made on first use; never committed (.parley/ is ignored).
   */
  private static String secretsKey(Path workDir) {
    Path file = workDir.resolve("secrets.key");
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.createDirectories(workDir);
        Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
      }
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void createTopics() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      var existing = admin.listTopics().names().get();
      admin.createTopics(Stream.of(Topics.newTopics(broker.replicationFactor())).filter(t -> !existing.contains(t.name())).toList())
          .all().get();
    } catch (Exception e) {
      throw new IllegalStateException("could not create Parley's topics", e);
    }
  }

  private static Path runnableJar(Path repoRoot, String module) {
    Path target = repoRoot.resolve(module).resolve("target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
          .orElse(target.resolve(module + "-exec.jar"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Distinct free ports (the probe sockets are held together, so no port is given twice). */
  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // a probe socket
        }
      }
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI ingressUrl() {
    return URI.create("http://localhost:" + ports.get("ingress-service"));
  }

  public URI serviceUrl(String service) {
    return URI.create("http://localhost:" + ports.get(service));
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registryUrl;
  }

  public DevTokens tokens() {
    return tokens;
  }

  /** A token of Parley's own services: what internal APIs and the actuator answer. */
  public String serviceToken() {
    return services.token();
  }

  /** The bearer token that opens every service's /actuator/prometheus, as Prometheus shows it. */
  public String metricsToken() {
    return metricsToken;
  }

  /** The process id of each running process of the stack (services, instances, the registry), by name. */
  public Map<String, Long> processIds() {
    Map<String, Long> ids = new java.util.TreeMap<>();
    running.forEach((name, process) -> ids.put(name, process.pid()));
    return ids;
  }

  public List<Path> logs() {
    return processes.stream().map(p -> p.log).toList();
  }

  /** Stops the services first (they flush and leave their groups), then the registry, then the broker. */
  @Override
  public void close() {
    List<JavaProcess> reversed = new ArrayList<>(processes);
    java.util.Collections.reverse(reversed);
    reversed.stream().map(p -> CompletableFuture.runAsync(p::close)).toList().forEach(CompletableFuture::join);
    processes.clear();
    running.clear();
  }
}
