package dev.parley.e2e.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Open-loop chat load: messages posted to {@code POST /ai/chat} with {@code Prefer: respond-async}
 * at a fixed rate, whatever the answers take (a closed loop would slow down with the system and
 * hide its queueing). Each message's id is chosen here, so its reply can be matched; in repeated
 * conversations, each reply must also come after the replies to its conversation's earlier messages.
 * With several ingress instances, messages go round them.
 */
final class OpenLoad implements AutoCloseable {

  /** Whether every message starts a conversation, or messages go round a fixed set of them. */
  enum Conversations { DISTINCT, REPEATED }

  /** Who sends: a tenant's customer with a token. */
  record Sender(String tenant, String customer, String token) {
  }

  /** What a run sent and what ingress said. */
  /**
   * @param stoppedAfter when sending stopped early because replies fell too far behind (the rate is
   *                     not kept up; going on would only grow a backlog the next sections wait for), or null
   */
  record Sent(long offered, long accepted, long refused, long failed, Latencies acceptLatency, Duration stoppedAfter) {
  }

  /** Questions a dealership's customers ask, answered with and without tools. */
  private static final List<String> QUESTIONS = List.of(
      "How much sales tax will I pay in Texas with a trade-in of 8000 on a 32000 car?",
      "What APR can I get with a 720 credit score?",
      "Is the RAV4 Hybrid XSE in stock?",
      "What would my monthly payment be on 30000 over 60 months at 6.9%?",
      "Do you have SUVs under 30k?",
      "Can I book a test drive on Saturday morning?");

  private final List<HttpClient> ingresses;
  private final ConnectionProvider connections;
  private final ReplyWatcher replies;
  private final List<Sender> senders;
  private final String run;

  OpenLoad(List<URI> ingresses, List<Sender> senders, ReplyWatcher replies, String run) {
    this.connections = ConnectionProvider.builder("bench-load").maxConnections(512)
        .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
    this.ingresses = ingresses.stream()
        .map(ingress -> HttpClient.create(connections).baseUrl(ingress.toString()).responseTimeout(Duration.ofSeconds(30))).toList();
    this.senders = senders;
    this.replies = replies;
    this.run = run;
  }

  /** Sending stops when this many seconds' worth of messages wait for their replies. */
  static final Duration BEHIND = Duration.ofSeconds(20);

  /**
   * Sends at {@code perSecond} for {@code duration}, or until the replies are {@link #BEHIND}
   * behind; returns when the last message is sent and answered by ingress.
   */
  Sent run(String label, int perSecond, Duration duration, Conversations conversations) throws InterruptedException {
    long total = Math.max(1, perSecond * duration.toMillis() / 1000);
    long interval = 1_000_000_000L / perSecond;
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    Latencies acceptLatency = new Latencies();
    // A few hundred conversations go round when repeated: each gets a message every few seconds at the
    // lower rates and several a second at the highest, so turns queue behind each other in order.
    int pool = Math.max(senders.size(), perSecond);
    long startNanos = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    long behindLimit = (long) perSecond * BEHIND.toSeconds();
    Duration stoppedAfter = null;
    for (long i = 0; i < total; i++) {
      if (i % perSecond == 0 && replies.waiting() > behindLimit) {
        stoppedAfter = Duration.ofNanos(System.nanoTime() - startNanos);
        total = i;
        break;
      }
      long due = startNanos + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long dueMillis = startMillis + (due - startNanos) / 1_000_000;
      int slot = (int) (conversations == Conversations.DISTINCT ? i : i % pool);
      Sender sender = senders.get(slot % senders.size());
      // A new conversation's first message names none (ingress makes its id), as a chat widget's does;
      // a repeated one names its conversation.
      String conversationId = run + "-" + label + "-c" + slot;
      String conversation = conversations == Conversations.DISTINCT ? "" : ",\"conversationId\":\"" + conversationId + "\"";
      String messageId = run + "-" + label + "-m" + i;
      String body = "{\"message\":\"" + QUESTIONS.get((int) (i % QUESTIONS.size())) + "\"" + conversation
          + ",\"messageId\":\"" + messageId + "\"}";
      if (conversations == Conversations.DISTINCT) {
        replies.expect(messageId, dueMillis);
      } else {
        replies.expect(messageId, dueMillis, conversationId, (int) (i / pool));
      }
      HttpClient http = ingresses.get((int) (i % ingresses.size()));
      long sentNanos = System.nanoTime();
      http.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + sender.token())
              .set(HttpHeaderNames.CONTENT_TYPE, "application/json").set("Prefer", "respond-async"))
          .post().uri("/ai/chat").send(ByteBufMono.fromString(Mono.just(body)))
          .responseSingle((response, content) -> content.asString().defaultIfEmpty("").thenReturn(response.status().code()))
          .subscribe(status -> {
            acceptLatency.record((System.nanoTime() - sentNanos) / 1_000_000);
            if (status == 202) {
              accepted.incrementAndGet();
            } else {
              refused.incrementAndGet();
              replies.forget(messageId);
            }
            done.incrementAndGet();
          }, error -> {
            failed.incrementAndGet();
            replies.forget(messageId);
            done.incrementAndGet();
          });
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new Sent(total, accepted.get(), refused.get(), failed.get(), acceptLatency, stoppedAfter);
  }

  @Override
  public void close() {
    connections.disposeLater().block(Duration.ofSeconds(10));
  }
}
