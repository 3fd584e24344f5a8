package dev.parley.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of three nodes (broker and controller each, KRaft), every node its own process
 * with its log on disk and fixed ports, keeping every topic on all nodes and accepting a write once
 * two have it, as in production. A node can be killed ({@code kill -9}) and started again: a broker
 * restart under load. For the fault suite; the local run and the other tests use the embedded
 * single broker, which starts faster.
 */
public final class KraftCluster implements KafkaBroker {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path dir;
  private final int[] ports;
  private final int[] controllerPorts;
  private final JavaProcess[] nodes;

  public KraftCluster(int size, Path dir) {
    this.dir = dir;
    int[] free = Stack.freePorts(2 * size);
    this.ports = java.util.Arrays.copyOfRange(free, 0, size);
    this.controllerPorts = java.util.Arrays.copyOfRange(free, size, 2 * size);
    this.nodes = new JavaProcess[size];
    Stack.deleteRecursively(dir);
    String clusterId = Uuid.randomUuid().toString();
    for (int node = 0; node < size; node++) {
      Path config = writeConfig(node);
      int exit = JavaProcess.startMain("kafka-" + node + "-format", JavaProcess.Jvm.TOOL, "kafka.tools.StorageTool",
          List.of("format", "-t", clusterId, "-c", config.toString()), dir.resolve("logs")).waitFor(START_TIMEOUT);
      if (exit != 0) {
        throw new IllegalStateException("could not format node " + node + " of the Kafka cluster (exit " + exit + ")");
      }
    }
    try {
      IntStream.range(0, size).forEach(this::start);
      awaitNodes(size);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return IntStream.of(ports).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  @Override
  public short replicationFactor() {
    return (short) nodes.length;
  }

  @Override
  public Map<String, Long> processIds() {
    Map<String, Long> ids = new java.util.TreeMap<>();
    for (int node = 0; node < nodes.length; node++) {
      if (nodes[node] != null) {
        ids.put("kafka-" + node, nodes[node].pid());
      }
    }
    return ids;
  }

  public int size() {
    return nodes.length;
  }

  /** Kills a node at once (SIGKILL): no controlled shutdown, its partitions' leaders must move. */
  public void kill(int node) {
    if (nodes[node] != null) {
      nodes[node].kill();
      nodes[node] = null;
    }
  }

  /**
   * Starts a node again, on its log, and returns once it has caught up: every partition has all
   * its replicas in sync again.
   */
  public void restart(int node) {
    start(node);
    awaitNodes(nodes.length);
    awaitInSync();
  }

  private void awaitInSync() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      while (System.nanoTime() < deadline) {
        var topics = admin.describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
            .allTopicNames().get().values();
        boolean inSync = topics.stream().flatMap(topic -> topic.partitions().stream())
            .allMatch(partition -> partition.isr().size() == partition.replicas().size());
        if (inSync) {
          return;
        }
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not describe the cluster's topics", e);
    }
    throw new IllegalStateException("the restarted node did not catch up within " + START_TIMEOUT.toSeconds() + " s");
  }

  private void start(int node) {
    nodes[node] = JavaProcess.startMain("kafka-" + node, JavaProcess.Jvm.BROKER, "kafka.Kafka", List.of(dir.resolve("node-" + node + ".properties").toString()),
        dir.resolve("logs"));
  }

  private Path writeConfig(int node) {
    String voters = IntStream.range(0, controllerPorts.length)
        .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
    String copies = Integer.toString(nodes.length);
    String inSync = Integer.toString(Math.min(nodes.length, 2));
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("process.roles", "broker,controller");
    settings.put("node.id", Integer.toString(node + 1));
    settings.put("controller.quorum.voters", voters);
    settings.put("listeners", "PLAINTEXT://127.0.0.1:" + ports[node] + ",CONTROLLER://127.0.0.1:" + controllerPorts[node]);
    settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports[node]);
    settings.put("controller.listener.names", "CONTROLLER");
    settings.put("inter.broker.listener.name", "PLAINTEXT");
    settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    settings.put("log.dirs", dir.resolve("data-" + node).toString());
    settings.put("auto.create.topics.enable", "false");
    settings.put("default.replication.factor", copies); // Kafka Streams' internal topics
    settings.put("min.insync.replicas", inSync);
    settings.put("offsets.topic.replication.factor", copies);
    settings.put("offsets.topic.num.partitions", "4");
    settings.put("transaction.state.log.replication.factor", copies);
    settings.put("transaction.state.log.min.isr", inSync);
    settings.put("transaction.state.log.num.partitions", "4");
    settings.put("group.initial.rebalance.delay.ms", "0");
    List<String> lines = new ArrayList<>();
    settings.forEach((key, value) -> lines.add(key + "=" + value));
    Path file = dir.resolve("node-" + node + ".properties");
    try {
      Files.createDirectories(dir);
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Waits until the cluster reports this many live brokers. */
  private void awaitNodes(int count) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    RuntimeException last = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
      while (System.nanoTime() < deadline) {
        for (int node = 0; node < nodes.length; node++) {
          if (nodes[node] != null && !nodes[node].isAlive()) {
            throw new IllegalStateException("Kafka node " + node + " exited; its log ends:\n" + nodes[node].tail());
          }
        }
        try {
          if (admin.describeCluster().nodes().get().size() >= count) {
            return;
          }
        } catch (Exception e) {
          last = new IllegalStateException(e);
        }
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("the Kafka cluster did not have " + count + " nodes within " + START_TIMEOUT.toSeconds() + " s", last);
  }

  /** Stops every node (SIGTERM, a controlled shutdown, then forced after a while). */
  @Override
  public void close() {
    java.util.Arrays.stream(nodes).filter(java.util.Objects::nonNull).parallel().forEach(JavaProcess::close);
    java.util.Arrays.fill(nodes, null);
  }
}
