package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.KraftCluster;
import dev.parley.devstack.Stack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Faults under load, checked per message id: every message accepted before, during or after a
 * fault gets exactly one reply event and exactly one WhatsApp send, in order per conversation.
 * Prints the table (and writes it to {@code target/fault-suite.md}).
 *
 * <p>The short suite (in {@code ./parley test}) kills each service with SIGKILL and starts it
 * again. The full suite ({@code ./parley faults}, or {@code -Dparley.faults=full}) also kills one
 * of two instances of each service and one broker of a three-broker cluster (the full suite runs
 * on one), freezes llm-service for 61 s, stops PostgreSQL for 60 s and freezes the schema
 * registry for 60 s, at a higher rate. {@code -Dparley.faults.only=<parts of faults' names, comma-separated>}
 * runs only those faults.
 */
class FaultSuiteIT {

  private static final boolean FULL = "full".equals(System.getProperty("parley.faults"));
  private static final int PER_SECOND = FULL ? 20 : 8;
  private static final Duration WARM = Duration.ofSeconds(3);
  private static final Duration AFTER = Duration.ofSeconds(FULL ? 10 : 4);
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(180);

  /** The ingress instances the load posts to. */
  private final List<URI> ingress = new CopyOnWriteArrayList<>();

  /** A fault: set up, inject (its start is timed), end (its end is timed), then restore the stack. */
  private record Fault(String name, Consumer<Stack> setUp, Consumer<Stack> inject, Consumer<Stack> end, Consumer<Stack> restore) {
  }

  @Test
  void shouldAnswerEveryAcceptedMessageExactlyOnceInOrderWhateverFails() throws Exception {
    Stack stack = Pipeline.stack();
    ingress.add(stack.ingressUrl());
    List<FaultOutcome> rows = new ArrayList<>();
    List<String> only = List.of(System.getProperty("parley.faults.only", "").split(","));
    for (Fault fault : faults().stream().filter(fault -> only.stream().anyMatch(fault.name()::contains)).toList()) {
      rows.add(run(stack, fault));
    }

    String table = "Fault suite (" + (FULL ? "full" : "short") + ", " + PER_SECOND + " WhatsApp messages/s, one chat each or every"
        + " fifth a sequence of " + FaultLoad.SEQUENCE + ")\n\n" + FaultOutcome.header() + "\n"
        + String.join("\n", rows.stream().map(FaultOutcome::row).toList()) + "\n";
    System.out.println(table);
    write(table);
    assertThat(rows).as(table).allSatisfy(row -> assertThat(row.clean()).as(row.row()).isTrue());
  }

  private List<Fault> faults() {
    List<Fault> faults = new ArrayList<>();
    for (String service : Stack.SERVICES) {
      faults.add(new Fault("kill -9 " + service, s -> { }, s -> s.kill(service), s -> s.startService(service), s -> { }));
    }
    if (!FULL) {
      return faults;
    }
    for (String service : Stack.SERVICES) {
      String second = service + "-b";
      faults.add(new Fault("kill -9 one of two " + service,
          s -> {
            URI url = s.startInstance(service, second);
            if (service.equals("ingress-service")) {
              ingress.add(url);
            }
          },
          s -> {
            s.kill(service);
            ingress.remove(s.ingressUrl());
          },
          s -> { }, // the other instance takes over by itself
          s -> {
            s.startService(service);
            ingress.clear();
            ingress.add(s.ingressUrl());
            s.stopInstance(second);
          }));
    }
    if (Pipeline.broker() instanceof KraftCluster cluster) {
      faults.add(new Fault("kill -9 a Kafka broker (1 of " + cluster.size() + ")", s -> { }, s -> cluster.kill(1),
          s -> cluster.restart(1), s -> { }));
    }
    faults.add(new Fault("llm-service frozen 61 s", s -> { }, s -> s.freeze("llm-service"),
        s -> { sleep(OUTAGE.plusSeconds(1)); s.thaw("llm-service"); }, s -> { }));
    faults.add(new Fault("PostgreSQL stopped 60 s", s -> { }, s -> postgres("stop"),
        s -> { sleep(OUTAGE); postgres("start"); }, s -> { }));
    faults.add(new Fault("schema registry frozen 60 s", s -> { }, s -> s.freeze("schema-registry"),
        s -> { sleep(OUTAGE); s.thaw("schema-registry"); }, s -> { }));
    return faults;
  }

  private FaultOutcome run(Stack stack, Fault fault) throws Exception {
    fault.setUp().accept(stack);
    try (FaultLoad load = new FaultLoad(fault.name().replaceAll("\\W+", "-"), Pipeline.WHATSAPP_CHANNEL, Pipeline.WHATSAPP_SECRET,
        () -> List.copyOf(ingress), PER_SECOND)) {
      sleep(WARM);
      long start = System.nanoTime();
      fault.inject().accept(stack);
      fault.end().accept(stack);
      long end = System.nanoTime();
      sleep(AFTER);
      List<FaultLoad.Accepted> accepted = load.finish();
      FaultOutcome outcome = FaultOutcome.measure(fault.name(), accepted, start, end, DRAIN_TIMEOUT);
      System.out.println(outcome.row() + " (" + load.failedPosts() + " posts retried)");
      return outcome;
    } finally {
      fault.restore().accept(stack);
    }
  }

  /** Stops or starts this machine's PostgreSQL cluster (devstack/postgres/setup.sh's). */
  private static void postgres(String action) {
    try {
      Process process = new ProcessBuilder("bash", "-c", "$( [ \"$(id -u)\" = 0 ] || echo sudo ) "
          + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | sort -V | tail -1) main " + action
              + (action.equals("stop") ? " -m fast" : "")).redirectErrorStream(true).start();
      // Read, never inherited: this JVM's standard output is its channel to the build tool.
      String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as("pg_ctlcluster " + action + ": " + output).isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(String table) throws IOException {
    Path out = Path.of("target", "fault-suite.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
