package dev.parley.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time used so far by each process of the stack, read from Linux's /proc (user plus system
 * time, in milliseconds). Two samples give what a stretch of load cost each process.
 */
final class ProcessCpu {

  /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every platform it runs on. */
  private static final double MS_PER_TICK = 10.0;

  /** What {@link #sample} calls this JVM: the load generator, and the broker when it runs embedded. */
  static final String BENCH = "bench (load, in-JVM broker)";
  static final String POSTGRES = "postgresql";

  private ProcessCpu() {
  }

  /** CPU ms so far of each named process, of this JVM and of all PostgreSQL processes together. */
  static Map<String, Double> sample(Map<String, Long> processes) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    processes.forEach((name, pid) -> cpu.put(name, millis(pid)));
    cpu.put(POSTGRES, postgres());
    cpu.put(BENCH, millis(ProcessHandle.current().pid()));
    return cpu;
  }

  /** What each process used between two samples. */
  static Map<String, Double> used(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> used = new LinkedHashMap<>();
    after.forEach((name, ms) -> used.put(name, Math.max(0, ms - before.getOrDefault(name, ms))));
    return used;
  }

  private static double millis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the command name in parentheses: state is field 3, utime 14 and stime 15.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MS_PER_TICK;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  private static double postgres() {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(ProcessCpu::isPostgres)
          .mapToDouble(p -> millis(Long.parseLong(p.getFileName().toString()))).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean isPostgres(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).strip().startsWith("postgres");
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }
}
