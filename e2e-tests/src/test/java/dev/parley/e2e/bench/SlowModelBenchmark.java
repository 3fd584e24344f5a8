package dev.parley.e2e.bench;

import dev.parley.devstack.JavaProcess;
import dev.parley.devstack.Stack;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.Intent;
import dev.parley.events.UserTurn;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One llm-service instance against a slow model: an OpenAI-compatible provider over real HTTP that
 * streams each answer over {@code answerTime} ({@link SlowModelServer}). Enriched turns are written
 * straight to {@code parley.enriched-turns} at a fixed rate (open loop), so the figures are
 * llm-service's alone, not the rest of the pipeline's on the same cores. Every conversation gets
 * two turns a second apart: the second waits for the first's answer, and the replies must come in
 * that order.
 *
 * <p>The stack's llm-service (offline model) is stopped meanwhile and the slow instance takes its
 * place in the group under the same instance id; afterwards the stack's llm-service is started again.
 */
final class SlowModelBenchmark {

  private static final String INSTANCE = "llm-service-slow-model";

  /**
   * What one instance did: replies per second from the first reply to the last, turns waiting for
   * their reply (sent, not answered: in model calls and queued behind their conversation) at most
   * and on average, latency from when a turn was due to when its reply was readable, replies out of
   * their conversation's order, and what holding the calls cost the instance (threads, memory, CPU).
   */
  record Result(int offered, Duration answerTime, long turns, long answered, double repliesPerSecond, int maxInFlight,
      double meanInFlight, Latencies latencies, long outOfOrder, long fallbacks, long doubled, int maxThreads, long maxRssMb,
      double cpuMsPerReply, Map<String, Double> cpuByProcess) {
  }

  private SlowModelBenchmark() {
  }

  /**
   * Runs it; {@code processes} names the processes whose CPU is counted (the slow instance among
   * them as {@value #INSTANCE}), read when the instance has started.
   */
  static Result run(Stack stack, java.util.function.Supplier<Map<String, Long>> processes, List<String> tenants, int perSecond,
      Duration duration, Duration answerTime, Path logs) throws Exception {
    int port = freePort();
    try (JavaProcess model = JavaProcess.startMain("slow-model", JavaProcess.Jvm.SERVICE, SlowModelServer.class.getName(),
        List.of(Integer.toString(port), answerTime.toString()), logs)) {
      URI modelUrl = URI.create("http://127.0.0.1:" + port);
      model.awaitHealthy(modelUrl.resolve("/health"), Duration.ofSeconds(60));
      stack.stopService("llm-service");
      try {
        // The stopped service's instance id: the slow instance takes its partitions at once.
        stack.startInstance("llm-service", INSTANCE, Map.of("PARLEY_MODEL_BASE_URL", modelUrl + "/v1",
            "PARLEY_MODEL_NAME", "slow-model", "PARLEY_INSTANCE_ID", "llm-service"));
        Map<String, Long> counted = new java.util.LinkedHashMap<>(processes.get());
        counted.put("slow-model", model.pid());
        return measure(stack, counted, tenants, perSecond, duration, answerTime);
      } finally {
        stack.stopInstance(INSTANCE);
        stack.startService("llm-service");
      }
    }
  }

  private static Result measure(Stack stack, Map<String, Long> processes, List<String> tenants, int perSecond, Duration duration,
      Duration answerTime) throws Exception {
    long pid = processes.get(INSTANCE);
    String run = Long.toString(System.currentTimeMillis(), 36);
    // Whole seconds, each conversation's two turns in consecutive ones.
    long seconds = Math.max(2, duration.toSeconds() / 2 * 2);
    long total = seconds * perSecond;
    long interval = 1_000_000_000L / perSecond;
    AtomicLong failed = new AtomicLong();
    int maxInFlight = 0;
    long inFlightSum = 0;
    long samples = 0;
    int maxThreads = 0;
    long maxRss = 0;
    try (ReplyWatcher replies = new ReplyWatcher(stack.bootstrapServers(), stack.registryUrl());
        KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
            new AvroSerdes(stack.registryUrl()).<SpecificRecord>anyRecordSerde().serializer())) {
      Latencies latencies = replies.restart();
      var before = ProcessCpu.sample(processes);
      long startNanos = System.nanoTime();
      long startMillis = System.currentTimeMillis();
      long nextSample = startNanos;
      for (long i = 0; i < total; i++) {
        long due = startNanos + i * interval;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        long second = i / perSecond;
        int place = (int) (second % 2);
        long conversationNumber = second / 2 * perSecond + i % perSecond;
        String tenant = tenants.get((int) (conversationNumber % tenants.size()));
        String conversation = run + "-slow-c" + conversationNumber;
        String messageId = run + "-slow-m" + i;
        replies.expect(messageId, startMillis + (due - startNanos) / 1_000_000, conversation, place);
        producer.send(new ProducerRecord<>(Topics.ENRICHED_TURNS.name(), Keys.of(tenant, conversation),
            turn(tenant, conversation, messageId, run + "-slow-t" + i)), (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                replies.forget(messageId);
              }
            });
        if (System.nanoTime() >= nextSample) { // what the instance holds, ten times a second
          int inFlight = replies.waiting();
          maxInFlight = Math.max(maxInFlight, inFlight);
          inFlightSum += inFlight;
          samples++;
          maxThreads = Math.max(maxThreads, status(pid, "Threads:"));
          maxRss = Math.max(maxRss, status(pid, "VmRSS:"));
          nextSample += 100_000_000L;
        }
      }
      producer.flush();
      replies.awaitAnswered(answerTime.plusSeconds(5), Duration.ofSeconds(120));
      var cpu = ProcessCpu.used(before, ProcessCpu.sample(processes));
      long answered = latencies.count();
      long firstToLast = Math.max(1, replies.lastReplyMillis() - (startMillis + answerTime.toMillis()));
      return new Result(perSecond, answerTime, total - failed.get(), answered, answered * 1000.0 / firstToLast, maxInFlight,
          samples == 0 ? 0 : (double) inFlightSum / samples, latencies, replies.outOfOrder(), replies.fallbacks(), replies.doubled(),
          maxThreads, maxRss / 1024, answered == 0 ? Double.NaN : cpu.get(INSTANCE) / answered, cpu);
    }
  }

  private static EnrichedTurn turn(String tenant, String conversation, String messageId, String turnId) {
    Instant now = Instant.now();
    UserTurn turn = UserTurn.newBuilder().setEventId(turnId).setTenantId(tenant).setConversationId(conversation)
        .setMessageIds(List.of(messageId)).setUserId("bench-customer").setText("Do you have SUVs under 30k?")
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.API).setMetadata(Map.of()).build())
        .setFirstReceivedAt(now).setCreatedAt(now).build();
    return EnrichedTurn.newBuilder().setEventId(turnId).setTenantId(tenant).setConversationId(conversation).setTurn(turn)
        .setHistory(List.of()).setIntent(new Intent("inventory", 0.9)).setCreatedAt(now).build();
  }

  /** A number from /proc/{pid}/status (threads, or kB for memory), 0 if the process is gone. */
  private static int status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Integer.parseInt(line.substring(field.length()).replace("kB", "").strip());
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process is gone
    }
    return 0;
  }

  private static int freePort() {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
