package dev.parley.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Open-loop load as WhatsApp sends it: messages through the Wazzup webhook at a fixed rate, each
 * to a chat of its own, or every fifth chat a sequence of three messages a few seconds apart (so
 * order per conversation can be checked). A message is posted until ingress accepts it, as the
 * provider retries a webhook, so one sent while ingress is down counts once it is accepted.
 */
final class FaultLoad implements AutoCloseable {

  /** A message ingress accepted: its id as the pipeline names it, its chat, its place in the chat, when. */
  record Accepted(String messageId, String chat, int seq, long acceptedNanos) {
  }

  static final int SEQUENCE = 3;
  private static final Duration SEQUENCE_GAP = Duration.ofSeconds(4); // beyond the WhatsApp debounce gap
  private static final Duration GIVE_UP = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(4)).build();

  private final String run;
  private final String channel;
  private final byte[] secret;
  private final Supplier<List<URI>> ingress;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders = Executors.newFixedThreadPool(32);
  private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
  /** Chats are new in every run and every row: numbers counted from a random start. */
  private static final AtomicInteger CHATS = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(7_000_000, 8_000_000));
  private final AtomicInteger failedPosts = new AtomicInteger();
  private volatile boolean sending = true;

  /**
   * @param ingress the ingress instances to post to (asked again at every post: instances come and go)
   */
  FaultLoad(String run, String channel, String secret, Supplier<List<URI>> ingress, int perSecond) {
    this.run = run;
    this.channel = channel;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.ingress = ingress;
    clock.scheduleAtFixedRate(this::startChat, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  /** Stops starting chats; messages already begun are still posted until accepted. */
  void stop() {
    sending = false;
    clock.shutdown();
  }

  /** Waits until every message begun was accepted (or given up on), then returns what was accepted. */
  List<Accepted> finish() throws InterruptedException {
    stop();
    clock.awaitTermination(30, TimeUnit.SECONDS);
    senders.shutdown();
    senders.awaitTermination(GIVE_UP.toSeconds() + 30, TimeUnit.SECONDS);
    return List.copyOf(accepted);
  }

  /** Posts that failed (ingress down or refusing) and were retried. */
  int failedPosts() {
    return failedPosts.get();
  }

  @Override
  public void close() {
    stop();
    senders.shutdownNow();
  }

  private void startChat() {
    int number = CHATS.incrementAndGet();
    String chat = "1512" + number;
    int messages = number % 5 == 0 ? SEQUENCE : 1;
    senders.execute(() -> {
      for (int seq = 0; seq < messages; seq++) {
        if (seq > 0) {
          sleep(SEQUENCE_GAP);
        }
        post(run + "-" + number + "-" + seq, chat, seq);
      }
    });
  }

  private void post(String id, String chat, int seq) {
    String body = "{\"messages\":[{\"messageId\":\"" + id + "\",\"channelId\":\"" + channel + "\",\"chatType\":\"whatsapp\","
        + "\"chatId\":\"" + chat + "\",\"type\":\"text\",\"status\":\"inbound\",\"isEcho\":false,"
        + "\"text\":\"Is the RAV4 Hybrid XSE still available? (" + seq + ")\"}]}";
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    int attempt = 0;
    while (System.nanoTime() < deadline) {
      List<URI> targets = ingress.get();
      URI target = targets.get(attempt++ % targets.size());
      try {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(target.resolve("/webhooks/wazzup/" + channel))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("X-Wazzup-Signature", sign(body))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          accepted.add(new Accepted("wazzup:" + id, chat, seq, System.nanoTime()));
          return;
        }
      } catch (java.io.IOException e) {
        // down or restarting: the provider tries again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      failedPosts.incrementAndGet();
      sleep(Duration.ofMillis(250));
    }
  }

  private String sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
