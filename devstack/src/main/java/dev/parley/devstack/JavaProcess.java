package dev.parley.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java program of the stack (a service or the registry) in its own process, with its output in
 * a log file, started and stopped as one unit with the stack.
 */
public final class JavaProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final Path log;
  private final Process process;

  private JavaProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * The JVM flags of each kind of process, and why. {@code -Dparley.jvm.options} replaces a
   * service's flags, {@code -Dparley.jvm.extra} adds to every process's ({name} is the process's
   * name: {@code -XX:StartFlightRecording=filename=/tmp/{name}.jfr} profiles them all).
   */
  public enum Jvm {
    /** Parley's services, the registry and the benchmark's bare baselines (measured with the services' flags). */
    SERVICE("-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"),
    /**
     * A Kafka broker carries every record of the pipeline: the full JIT (C2) for its steady work,
     * whatever it costs at start; a serial collector, as two cores have no spare core for a concurrent one.
     */
    BROKER("-Xmx768m -XX:+UseSerialGC -Xshare:auto"),
    /** A short-lived command (formatting a broker's log directory): start fast. */
    TOOL("-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto");

    private final String flags;

    Jvm(String flags) {
      this.flags = flags;
    }

    List<String> flags() {
      String replaced = System.getProperty("parley.jvm.options", "");
      return List.of((this == SERVICE && !replaced.isBlank() ? replaced : flags).trim().split("\\s+"));
    }
  }

  static JavaProcess start(String name, Path jar, List<String> jvmArgs, Map<String, String> env, Path logDir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(name + ": " + jar + " is missing; build first (mvn -DskipTests install)");
    }
    List<String> program = new ArrayList<>(jvmArgs);
    program.addAll(List.of("-jar", jar.toString()));
    return launch(name, Jvm.SERVICE, program, env, logDir);
  }

  /** Runs a main class of this JVM's own class path (a Kafka broker, say) in a process of its own. */
  public static JavaProcess startMain(String name, Jvm jvm, String mainClass, List<String> args, Path logDir) {
    List<String> program = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    program.addAll(args);
    return launch(name, jvm, program, Map.of(), logDir);
  }

  private static JavaProcess launch(String name, Jvm jvm, List<String> program, Map<String, String> env, Path logDir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm.flags());
    String extra = System.getProperty("parley.jvm.extra", "").trim().replace("{name}", name);
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(program);
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      return new JavaProcess(name, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** Waits until the URL answers 200, failing early with the log's tail if the process dies. */
  public JavaProcess awaitHealthy(URI health, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its log ends:\n" + tail());
      }
      try {
        var response = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      sleep(250);
    }
    throw new IllegalStateException(name + " was not healthy within " + timeout.toSeconds() + " s; its log ends:\n" + tail());
  }

  /** The operating system's id of the process (to read its CPU time from /proc, say). */
  public long pid() {
    return process.pid();
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to end by itself; its exit code. */
  int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; its log ends:\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the process at once (SIGKILL), as a crash or an OOM killer would: no shutdown hook runs. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a signal (STOP, CONT) with the system's kill command. */
  void signal(String signal) {
    try {
      // Not inheritIO: a test JVM's standard output is its channel to the build tool.
      int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + signal + " " + name + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asks the process to stop (SIGTERM, so Spring shuts down cleanly), then forces it. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
