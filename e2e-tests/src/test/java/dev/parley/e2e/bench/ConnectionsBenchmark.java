package dev.parley.e2e.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Open WebSockets on one ingress instance: many customers with the chat open and nothing to say.
 * Measures what they cost in heap: the heap in use after a full collection (jcmd on the process),
 * before and with the sockets open.
 */
final class ConnectionsBenchmark {

  /** What was measured. */
  record Result(int asked, int opened, long heapBeforeKb, long heapOpenKb, double openSeconds) {
    double kbPerSocket() {
      return opened == 0 ? Double.NaN : (heapOpenKb - heapBeforeKb) / (double) opened;
    }
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private ConnectionsBenchmark() {
  }

  static Result run(URI ingress, String token, long ingressPid, int count) throws Exception {
    long before = heapAfterCollectionKb(ingressPid);
    HttpClient client = HttpClient.create(ConnectionProvider.newConnection());
    AtomicInteger opened = new AtomicInteger();
    List<Disposable> sockets = new ArrayList<>(count);
    String url = "ws://" + ingress.getHost() + ":" + ingress.getPort() + "/ai/ws?access_token=" + token;
    long started = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(client.websocket().uri(url)
            .handle((in, out) -> {
              opened.incrementAndGet();
              return in.receive().then(); // held open until disposed
            })
            .onErrorResume(e -> Mono.empty())
            .subscribe());
        if (i % 500 == 499) { // in waves, as customers arrive, not one burst the accept queue drops
          awaitOpened(opened, i + 1 - 100, Duration.ofSeconds(30));
        }
      }
      awaitOpened(opened, count, Duration.ofSeconds(60));
      double openSeconds = (System.nanoTime() - started) / 1e9;
      long open = heapAfterCollectionKb(ingressPid);
      return new Result(count, opened.get(), before, open, openSeconds);
    } finally {
      sockets.forEach(Disposable::dispose);
    }
  }

  private static void awaitOpened(AtomicInteger opened, int atLeast, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (opened.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** The heap in use after a full collection, from the JDK's jcmd. */
  static long heapAfterCollectionKb(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long used = 0;
    for (String line : info.split("\n")) {
      if (line.contains("generation") || line.contains("garbage-first heap") || line.contains("PSYoungGen") || line.contains("ParOldGen")) {
        Matcher m = USED.matcher(line);
        if (m.find()) {
          used += Long.parseLong(m.group(1));
        }
      }
    }
    return used;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    process.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
