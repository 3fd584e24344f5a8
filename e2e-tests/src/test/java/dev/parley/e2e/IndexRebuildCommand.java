package dev.parley.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the transcript index rebuild as an operator does, with context-service's runnable jar
 * (README: "Rebuild"), and reads what it printed.
 */
public final class IndexRebuildCommand {

  private static final Pattern RESULT = Pattern.compile(
      "transcript index rebuilt into (\\S+): ([\\d,]+) events in ([\\d.]+) s = ([\\d,]+) events/s; (EQUAL|DIFFERENT): rebuilt (\\S+), live (\\S+)");

  /** What the command printed, and its exit code (0 when the rebuilt index equals the live one). */
  public record Outcome(int exitCode, String output, long events, double seconds, double eventsPerSecond, boolean equal,
      String rebuilt, String live) {
  }

  private IndexRebuildCommand() {
  }

  public static Outcome run(String bootstrapServers) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
    Path jar;
    try (Stream<Path> files = Files.list(root.resolve("context-service/target"))) {
      jar = files.filter(path -> path.getFileName().toString().endsWith("-exec.jar")).findFirst().orElseThrow();
    }
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String recording = System.getProperty("parley.rebuild.jfr", "");
    if (!recording.isBlank()) { // -Dparley.rebuild.jfr=/tmp/rebuild.jfr: a profile of the rebuild
      command.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
    }
    command.addAll(List.of("-Dloader.main=dev.parley.context.transcript.IndexRebuild", "-cp", jar.toString(),
        "org.springframework.boot.loader.launch.PropertiesLauncher", "--bootstrap", bootstrapServers));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the rebuild did not end: " + output);
    }
    Matcher found = RESULT.matcher(output);
    if (!found.find()) {
      throw new IllegalStateException("the rebuild printed no result (exit " + process.exitValue() + "): " + output);
    }
    return new Outcome(process.exitValue(), output, Long.parseLong(found.group(2).replace(",", "")), Double.parseDouble(found.group(3)),
        Double.parseDouble(found.group(4).replace(",", "")), found.group(5).equals("EQUAL"), found.group(6), found.group(7));
  }
}
