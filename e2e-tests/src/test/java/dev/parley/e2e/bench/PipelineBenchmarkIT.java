package dev.parley.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.JavaProcess;
import dev.parley.devstack.SampleData;
import dev.parley.devstack.Stack;
import dev.parley.e2e.Pipeline;
import dev.parley.e2e.bench.OpenLoad.Conversations;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Parley's throughput and latency on this machine, with the baselines they are read against.
 * {@code ./parley bench} runs it in full (a few minutes, the broker in a process of its own so its
 * CPU is counted) and writes {@code benchmarks/results.md}; {@code ./parley test} runs a smoke of
 * a few seconds on the shared test stack, so the benchmark cannot rot, and checks that every
 * accepted message got exactly one reply.
 *
 * <p>Sections: the baselines (a bare Kafka producer of same-sized Avro records, a bare WebFlux
 * endpoint answering 202); the pipeline under open-loop load at fixed rates, with distinct and
 * with repeated conversations over several tenants, the offline model answering (sustained
 * turns/s, accept→reply percentiles, CPU per turn of every process); and ingest (async accepts
 * per second over HTTP and over the WhatsApp webhook).
 */
class PipelineBenchmarkIT {

  private static final boolean FULL = "full".equals(System.getProperty("parley.bench"));
  /**
   * Two instances of every service on a three-broker KRaft cluster (-Dparley.bench.scale-out=true,
   * a full run only): the pipeline against the baselines, compared with the last run of one of each.
   */
  static final boolean SCALE_OUT = FULL && Boolean.getBoolean("parley.bench.scale-out");
  /** Turns per second offered, step by step; -Dparley.bench.rates=100,300 picks others. */
  private static final List<Integer> RATES = System.getProperty("parley.bench.rates", "").isBlank()
      ? (FULL ? List.of(25, 50, 100, 300, 500, 1000, 3000) : List.of(20))
      : java.util.Arrays.stream(System.getProperty("parley.bench.rates").split(",")).map(String::trim).map(Integer::valueOf).toList();
  private static final Duration STEP = FULL ? Duration.ofSeconds(15) : Duration.ofSeconds(3);
  private static final Duration INGEST = FULL ? Duration.ofSeconds(8) : Duration.ofSeconds(1);
  /** Clients of the closed-loop ingest; few in the smoke run, whose turns the shared stack must still answer. */
  private static final int CLIENTS = FULL ? 64 : 8;
  /** Turns per second offered to one llm-service instance with the 2 s model: a little above the target of 250. */
  private static final int SLOW_MODEL_RATE = 300;
  private static final int PRODUCER_RECORDS = FULL ? 300_000 : 20_000;
  private static final List<String> TENANTS = List.of(SampleData.TENANT, "bench-realty", "bench-furniture");
  private static final int CUSTOMERS_PER_TENANT = 20;
  /** Services report their CPU under these names in the tables. */
  private static final List<String> PROCESS_COLUMNS = List.of("ingress-service", "context-service", "llm-service",
      "delivery-service", "kafka", "schema-registry", ProcessCpu.POSTGRES, ProcessCpu.BENCH);

  /** Sections to run, -Dparley.bench.only=slow-model,retrieval for example; all when not set. */
  private static final java.util.Set<String> ONLY = !System.getProperty("parley.bench.only", "").isBlank()
      ? java.util.Set.of(System.getProperty("parley.bench.only").split("\\s*,\\s*"))
      : SCALE_OUT ? java.util.Set.of("baselines", "pipeline") : java.util.Set.of();
  private static final Path ROOT = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
  /** Where a full run of every section writes its results (and where a scale-out run reads one instance's). */
  private static final Path RESULTS = ROOT.resolve("benchmarks/results.md");
  private static final Path SCALE_OUT_RESULTS = ROOT.resolve("benchmarks/results-scale-out.md");

  private static boolean runs(String section) {
    return ONLY.isEmpty() || ONLY.contains(section);
  }

  @Test
  void measuresThePipelineAgainstItsBaselines() throws Exception {
    List<Step> pipelineSteps = new ArrayList<>();
    List<Runnable> checks = new ArrayList<>(); // run once the report is out, so a failing run still shows its figures
    Stack stack = Pipeline.stack();
    String run = Long.toString(System.currentTimeMillis(), 36);
    Report report = new Report("Parley benchmark" + (FULL ? "" : " (smoke)") + (SCALE_OUT ? ": scale-out" : ""));
    List<URI> ingresses = new ArrayList<>(List.of(stack.ingressUrl()));
    if (SCALE_OUT) { // a second instance of every service, in the same groups, each with its own state
      for (String service : Stack.SERVICES) {
        URI url = stack.startInstance(service, service + "-2");
        if (service.equals("ingress-service")) {
          ingresses.add(url);
        }
      }
      report.line("Scale-out: two instances of every service, on a KRaft cluster of " + Pipeline.broker().processIds().size()
          + " brokers (replication factor " + Pipeline.broker().replicationFactor() + "); the load goes round both ingress instances.");
    }
    report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", Java " + Runtime.version() + "; every process of the stack on this one machine.")
        .line("Run: " + java.time.Instant.now() + ". JVM flags of the services: "
            + (System.getProperty("parley.jvm.options", "").isBlank() ? "the stack's defaults" : System.getProperty("parley.jvm.options"))
            + (ONLY.isEmpty() ? "." : ". Sections run: " + String.join(", ", new java.util.TreeSet<>(ONLY)) + "."));
    List<OpenLoad.Sender> senders = senders(stack);
    Targets targets = new Targets();

    // Baselines.
    double producerPerSecond = Double.NaN;
    double producerCpuPerRecord = Double.NaN;
    double barePerSecond = Double.NaN;
    if (runs("baselines")) {
      var producer = BareProducer.run(stack.bootstrapServers(), stack.registryUrl(), processes(stack), PRODUCER_RECORDS);
      producerPerSecond = producer.perSecond();
      producerCpuPerRecord = total(producer.cpu()) / producer.records();
      int barePort = freePort();
      try (JavaProcess server = JavaProcess.startMain("bare-webflux", JavaProcess.Jvm.SERVICE, BareAcceptServer.class.getName(),
          List.of(Integer.toString(barePort)), Path.of("target/pipeline/logs"))) {
        URI bareUrl = URI.create("http://127.0.0.1:" + barePort);
        server.awaitHealthy(bareUrl.resolve("/health"), Duration.ofSeconds(60));
        ClosedLoad.run(bareUrl, CLIENTS, Duration.ofSeconds(FULL ? 3 : 1), 202, i -> chat("warm-up", "c" + i, "m" + i)); // JIT warm-up
        barePerSecond = ClosedLoad.run(bareUrl, CLIENTS, INGEST, 202, i -> chat("token", "c" + i, "m" + i)).perSecond();
      }
      report.table("Baselines", "baseline", "per second", "CPU µs per record or request")
          .row("bare Kafka producer, Avro InboundMessage, acks=all, idempotent", producerPerSecond, producerCpuPerRecord * 1000)
          .row("bare WebFlux endpoint answering 202 (" + CLIENTS + " clients, closed loop)", barePerSecond, Double.NaN);
      assertThat(producerPerSecond).isPositive();
      assertThat(barePerSecond).isPositive();
    }

    // The pipeline, open loop, rate by rate until it no longer keeps up.
    if (runs("pipeline")) {
      report.table(PIPELINE_TABLE,
          "load", "offered /s", "sustained turns/s", "÷ producer", "p50 ms", "p95 ms", "p99 ms", "accept p99 ms",
          "refused / failed", "unanswered", "fallbacks", "doubled", "out of order", "CPU ms/turn", "÷ producer", "CPU ms/turn by process: " + String.join(", ", PROCESS_COLUMNS));
      List<Step> steps = new ArrayList<>();
      try (ReplyWatcher replies = new ReplyWatcher(stack.bootstrapServers(), stack.registryUrl());
          OpenLoad load = new OpenLoad(ingresses, senders, replies, run)) {
        if (FULL) { // warm the services' JIT and caches before anything counts
          load.run("warm", Math.min(50, RATES.get(0)), Duration.ofSeconds(30), Conversations.REPEATED);
          replies.awaitAnswered(Duration.ofSeconds(20), Duration.ofMinutes(3));
        }
        // Both kinds of conversation at each rate; no higher rate once one of them was not kept up.
        boolean keptUp = true;
        for (int rate : RATES) {
          boolean rateKeptUp = true;
          for (Conversations conversations : Conversations.values()) {
            if (!keptUp) {
              report.row(rate + "/s " + conversations.name().toLowerCase(), rate, "not run: the previous rate was not kept up",
                  "", "", "", "", "", "", "", "", "", "", "", "", "");
              continue;
            }
            Step step = step(stack, load, replies, rate, conversations);
            report.row(rate + "/s " + conversations.name().toLowerCase(), rate, step.sustained, step.sustained / producerPerSecond,
                step.latencies.percentile(50), step.latencies.percentile(95), step.latencies.percentile(99),
                step.sent.acceptLatency().percentile(99), step.sent.refused() + " / " + step.sent.failed()
                    + (step.sent.stoppedAfter() == null ? "" : " (stopped after " + step.sent.stoppedAfter().toSeconds() + " s: "
                    + OpenLoad.BEHIND.toSeconds() + " s behind)"), step.unanswered, step.fallbacks, step.doubled, step.outOfOrder, step.cpuPerTurn,
                step.cpuPerTurn / producerCpuPerRecord, byProcess(step.cpu, step.answered));
            steps.add(step);
            rateKeptUp &= step.keptUp;
            if (!step.keptUp) { // let the backlog drain before anything else is measured
              replies.awaitAnswered(Duration.ofSeconds(20), Duration.ofMinutes(3));
            }
          }
          keptUp &= rateKeptUp; // once a rate was not kept up, no higher one runs
        }
      }
      if (SCALE_OUT) {
        compareWithOneInstance(report, steps);
      }
      double bestSustained = steps.stream().mapToDouble(Step::sustained).max().orElse(Double.NaN);
      Step at500 = steps.stream().filter(step -> step.rate == 500 && step.keptUp).findFirst().orElse(null);
      double leastCpu = steps.stream().mapToDouble(Step::cpuPerTurn).filter(cpu -> !Double.isNaN(cpu)).min().orElse(Double.NaN);
      targets.set(Targets.SUSTAINED, bestSustained, bestSustained >= 1000);
      targets.set(Targets.P99_AT_500, at500 == null ? "500/s not kept up" : at500.latencies.percentile(99) + " ms",
          at500 != null && at500.latencies.percentile(99) <= 100);
      targets.set(Targets.CPU_PER_TURN, leastCpu, leastCpu <= 2);
      pipelineSteps.addAll(steps); // checked once the report is out
    }

    // Streaming: chunk latency from the model to a WebSocket, the pipeline otherwise quiet.
    if (runs("streaming")) {
      StreamingBenchmark.Result streaming = StreamingBenchmark.run(stack.ingressUrl(),
          senders.stream().map(OpenLoad.Sender::token).toList(), stack.bootstrapServers(), stack.registryUrl(), FULL ? 50 : 5);
      report.table("Streaming: reply chunks from llm-service's publish to a customer's WebSocket", "conversations", "chunks",
              "p50 ms", "p99 ms")
          .row(streaming.replies(), streaming.chunks(), streaming.p50Millis(), streaming.p99Millis());
      targets.set(Targets.CHUNKS, streaming.chunks() == 0 ? "no chunks streamed" : streaming.p99Millis() + " ms",
          streaming.chunks() > 0 && streaming.p99Millis() <= 30);
      checks.add(() -> assertThat(streaming.chunks()).as("chunks streamed to the WebSockets; frames by type: "
          + StreamingBenchmark.FRAMES).isPositive());
    }

    // Ingest: async accepts per second, closed loop.
    if (runs("ingest")) {
      URI ingress = stack.ingressUrl();
      ClosedLoad.Result chats = ClosedLoad.run(ingress, CLIENTS, INGEST, 202,
          i -> chat(senders.get((int) (i % senders.size())).token(), run + "-ingest-c" + (i % 500), run + "-ingest-m" + i));
      ClosedLoad.Result whatsApp = ClosedLoad.run(ingress, CLIENTS, INGEST, 200, i -> whatsApp(run, i));
      report.table("Ingest: async accepts, " + CLIENTS + " clients, closed loop", "endpoint", "accepted /s", "÷ bare WebFlux", "refused", "failed")
          .row("POST /ai/chat, Prefer: respond-async (JWT, rate limits, Kafka)", chats.perSecond(), chats.perSecond() / barePerSecond,
              chats.other(), chats.failed())
          .row("POST /webhooks/wazzup/{channel} (HMAC, Kafka)", whatsApp.perSecond(), whatsApp.perSecond() / barePerSecond,
              whatsApp.other(), whatsApp.failed());
      double ingest = Math.max(chats.perSecond(), whatsApp.perSecond());
      targets.set(Targets.INGEST, ingest, ingest >= 10_000);
      checks.add(() -> {
        assertThat(chats.perSecond()).isPositive();
        assertThat(whatsApp.perSecond()).isPositive();
      });
    }

    // Retrieval: the knowledge base's vector search, on its own.
    if (runs("retrieval")) {
      RetrievalBenchmark.Result retrieval = RetrievalBenchmark.run("parley_test", FULL ? 100_000 : 2_000, FULL ? 500 : 20);
      report.table("Retrieval: top-5 by cosine distance, pgvector HNSW, 384 dimensions", "chunks", "queries", "p50 ms", "p99 ms",
              "recall@5 vs exact", "index built in s (0: kept from an earlier run)")
          .row(retrieval.chunks(), retrieval.queries(), retrieval.p50Micros() / 1000.0, retrieval.p99Micros() / 1000.0,
              retrieval.recallAt5(), retrieval.buildSeconds());
      targets.set(Targets.RETRIEVAL, Report.format(retrieval.p99Micros() / 1000.0) + " ms, " + Report.format(retrieval.recallAt5()),
          retrieval.p99Micros() <= 15_000 && retrieval.recallAt5() >= 0.95);
      checks.add(() -> {
        assertThat(retrieval.recallAt5()).as("recall@5 of the HNSW index").isGreaterThan(0.5);
      });
    }

    // A slow model: one llm-service instance holding many streamed answers at once.
    if (runs("slow-model")) {
      SlowModelBenchmark.Result slow = SlowModelBenchmark.run(stack, () -> processes(stack), TENANTS, FULL ? SLOW_MODEL_RATE : 20,
          Duration.ofSeconds(FULL ? 20 : 2), Duration.ofSeconds(2), Path.of("target/pipeline/logs"));
      report.table("Slow model: one llm-service instance, each answer streamed over " + slow.answerTime().toSeconds()
              + " s by an OpenAI-compatible provider over HTTP; enriched turns written straight to Kafka, two per conversation a second apart",
              "offered /s", "turns", "answered", "replies/s", "turns waiting max", "mean", "p50 ms", "p99 ms", "out of order",
              "fallbacks", "doubled", "threads max", "RSS MB max", "CPU ms/reply",
              "CPU ms/reply by process: " + String.join(", ", PROCESS_COLUMNS) + ", slow model")
          .row(slow.offered(), slow.turns(), slow.answered(), slow.repliesPerSecond(), slow.maxInFlight(), slow.meanInFlight(),
              slow.latencies().percentile(50), slow.latencies().percentile(99), slow.outOfOrder(), slow.fallbacks(), slow.doubled(),
              slow.maxThreads(), slow.maxRssMb(), slow.cpuMsPerReply(),
              byProcess(slow.cpuByProcess(), slow.answered()) + " / " + Report.format(slow.cpuByProcess().get("slow-model") / slow.answered()));
      targets.set(Targets.SLOW_MODEL, Report.format(slow.repliesPerSecond()) + " replies/s at " + slow.offered() + "/s offered",
          FULL && slow.repliesPerSecond() >= 250 && slow.answered() == slow.turns());
      checks.add(() -> {
        assertThat(slow.answered()).as("turns answered through the slow model").isEqualTo(slow.turns());
        assertThat(slow.outOfOrder()).as("replies out of their conversation's order").isZero();
        assertThat(slow.doubled()).as("doubled replies through the slow model").isZero();
        assertThat(slow.fallbacks()).as("fallbacks through the slow model").isZero();
      });
    }

    // Connections: customers with the chat open, idle, on one ingress.
    if (runs("connections")) {
      ConnectionsBenchmark.Result sockets = ConnectionsBenchmark.run(stack.ingressUrl(), senders.get(0).token(),
          stack.processIds().get("ingress-service"), FULL ? 10_000 : 200);
      report.table("Connections: idle WebSockets on one ingress-service (heap after a full collection)", "asked", "open",
              "opened in s", "heap before MB", "heap with them MB", "KB per socket")
          .row(sockets.asked(), sockets.opened(), sockets.openSeconds(), sockets.heapBeforeKb() / 1024.0, sockets.heapOpenKb() / 1024.0,
              sockets.kbPerSocket());
      targets.set(Targets.SOCKETS, sockets.opened() + " open, " + Report.format(sockets.heapOpenKb() / 1024.0) + " MB heap",
          FULL && sockets.opened() >= 10_000 && sockets.heapOpenKb() < 1024 * 1024);
      checks.add(() -> {
        assertThat(sockets.opened()).as("WebSockets opened").isEqualTo(sockets.asked());
      });
    }

    // Rebuilding state from the log: the transcript index into a fresh application id.
    if (runs("rebuild")) {
      var rebuild = RebuildBenchmark.run(stack.bootstrapServers(), stack.registryUrl(), FULL ? 500_000 : 20_000);
      var outcome = rebuild.rebuild();
      report.table("Rebuild: the transcript index from the conversation log into a fresh application id (context-service's "
              + "IndexRebuild, run as its own process)", "reader", "records", "seconds", "records/s", "÷ bare consumer", "checksums")
          .row("bare consumer, bytes, one thread", rebuild.bareRecords(), rebuild.bareSeconds(), rebuild.barePerSecond(), 1.0, "–")
          .row("rebuild (Kafka Streams, " + Runtime.getRuntime().availableProcessors() + " threads, at least once, no changelog)",
              outcome.events(), outcome.seconds(), outcome.eventsPerSecond(), outcome.eventsPerSecond() / rebuild.barePerSecond(),
              (outcome.equal() ? "equal: " : "DIFFERENT: ") + outcome.rebuilt() + " / live " + outcome.live());
      targets.set(Targets.REBUILD, Report.format(outcome.eventsPerSecond()) + " events/s, " + (outcome.equal() ? "equal" : "different"),
          FULL && outcome.eventsPerSecond() >= 50_000 && outcome.equal());
      checks.add(() -> assertThat(outcome.equal()).as("the rebuilt index equals the live one").isTrue());
    }

    targets.addTo(report);
    report.line("")
        .line("Ratios compare figures measured in this one run (the machine is shared and noisy): a turn against one record "
            + "of the bare producer, an accept against the bare WebFlux endpoint. Latency is from when a message was due to be "
            + "sent (open loop) to when its reply could be read from parley.replies (read_committed).");

    String printed = report.toString();
    System.out.println(printed);
    // Only a full run of every section (or of the scale-out's) replaces the committed results.
    report.writeTo(SCALE_OUT && System.getProperty("parley.bench.only", "").isBlank() ? SCALE_OUT_RESULTS
        : FULL && ONLY.isEmpty() ? RESULTS : ROOT.resolve("e2e-tests/target/bench.md"));
    checks.forEach(Runnable::run);
    List<Step> steps = pipelineSteps;
    for (Step step : steps) {
      // A rate not kept up may have had accepts refused or timed out (reported), and replies still
      // coming when the step ended; what was accepted is still answered once, in order.
      if (!FULL || step.keptUp) {
        assertThat(step.sent.accepted()).as("accepted").isEqualTo(step.sent.offered());
        assertThat(step.unanswered).as("unanswered").isZero();
        assertThat(step.latencies.count()).isEqualTo(step.sent.accepted());
      }
      assertThat(step.doubled).as("doubled").isZero();
      assertThat(step.outOfOrder).as("replies out of their conversation's order").isZero();
    }
  }

  /** The targets for this 2-core machine, against what this run measured; "not run" for a section left out. */
  private static final class Targets {
    static final String SUSTAINED = "≥ 1,000 turns/s sustained, offline model";
    static final String P99_AT_500 = "p99 accept→reply ≤ 100 ms at 500 turns/s";
    static final String CPU_PER_TURN = "≈ 2 ms CPU per turn, all processes";
    static final String INGEST = "async ingest ≥ 10,000 messages/s";
    static final String RETRIEVAL = "retrieval p99 ≤ 15 ms, recall@5 ≥ 0.95";
    static final String SLOW_MODEL = "2 s model: ≥ 250 replies/s per llm instance";
    static final String CHUNKS = "chunk latency model → WebSocket p99 ≤ 30 ms";
    static final String SOCKETS = "10,000 WebSockets under 1 GiB heap";
    static final String REBUILD = "transcript index rebuilt from the log ≥ 50,000 events/s, equal to live";
    private final Map<String, Object[]> measured = new LinkedHashMap<>();

    Targets() {
      for (String target : List.of(SUSTAINED, P99_AT_500, CPU_PER_TURN, INGEST, RETRIEVAL, SLOW_MODEL, CHUNKS, SOCKETS, REBUILD)) {
        measured.put(target, new Object[] {"not run", "–"});
      }
    }

    void set(String target, Object figure, boolean met) {
      measured.put(target, new Object[] {figure, met ? "yes" : "no"});
    }

    void addTo(Report report) {
      report.table("Targets (2 cores, everything on one machine)", "target", "measured", "met");
      measured.forEach((target, figures) -> report.row(target, figures[0], figures[1]));
    }
  }

  /** One rate: what was sent, answered and spent. */
  private record Step(int rate, Conversations conversations, OpenLoad.Sent sent, Latencies latencies, long answered, long unanswered, long fallbacks, long doubled, long outOfOrder,
      double sustained, boolean keptUp, Map<String, Double> cpu, double cpuPerTurn) {
  }

  private static Step step(Stack stack, OpenLoad load, ReplyWatcher replies, int rate, Conversations conversations)
      throws InterruptedException {
    Latencies latencies = replies.restart();
    var before = ProcessCpu.sample(processes(stack));
    long start = System.currentTimeMillis();
    OpenLoad.Sent sent = load.run(rate + (conversations == Conversations.DISTINCT ? "d" : "r"), rate, STEP, conversations);
    long sendingEnded = System.currentTimeMillis();
    boolean all = replies.awaitAnswered(Duration.ofSeconds(5), Duration.ofSeconds(FULL ? 45 : 60));
    var cpu = ProcessCpu.used(before, ProcessCpu.sample(processes(stack)));
    long answered = latencies.count();
    long unanswered = sent.accepted() - answered;
    long last = Math.max(replies.lastReplyMillis(), sendingEnded);
    double sustained = answered / ((last - start) / 1000.0);
    // Kept up: everything answered, and the last reply no later than 2 s after the last send.
    boolean keptUp = all && last - sendingEnded <= 2000 && sent.refused() + sent.failed() == 0 && sent.stoppedAfter() == null;
    double cpuPerTurn = answered == 0 ? Double.NaN : total(cpu) / answered;
    return new Step(rate, conversations, sent, latencies, answered, unanswered, replies.fallbacks(), replies.doubled(), replies.outOfOrder(), sustained, keptUp, cpu, cpuPerTurn);
  }

  private static String byProcess(Map<String, Double> cpu, long turns) {
    List<String> cells = new ArrayList<>();
    for (String column : PROCESS_COLUMNS) {
      double ms = cpu.entrySet().stream().filter(e -> e.getKey().startsWith(column)).mapToDouble(Map.Entry::getValue).sum();
      cells.add(Report.format(turns == 0 ? Double.NaN : ms / turns));
    }
    return String.join(" / ", cells);
  }

  private static double total(Map<String, Double> cpu) {
    return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static final String PIPELINE_TABLE = "Pipeline: open-loop turns over POST /ai/chat (respond-async), offline model";

  /**
   * The scale-out's pipeline figures beside those of the last run with one instance of each
   * ({@code benchmarks/results.md}), and what each instance spent: whether the load spread.
   */
  private static void compareWithOneInstance(Report report, List<Step> steps) {
    Map<String, Map<String, String>> single = new LinkedHashMap<>();
    Report.readTable(RESULTS, PIPELINE_TABLE).forEach(row -> single.put(row.get("load"), row));
    report.table("Scale-out against one instance of each on one broker (" + ROOT.relativize(RESULTS) + ")", "load",
        "turns/s, one each", "turns/s, two each", "× one each", "p99 ms, one each", "p99 ms, two each", "CPU ms/turn, one each",
        "CPU ms/turn, two each", "CPU ms/turn by instance, two each");
    for (Step step : steps) {
      String load = step.rate + "/s " + step.conversations.name().toLowerCase();
      Map<String, String> one = single.getOrDefault(load, Map.of());
      double oneSustained = Report.number(one.get("sustained turns/s"));
      report.row(load, oneSustained, step.sustained, step.sustained / oneSustained, Report.number(one.get("p99 ms")),
          (double) step.latencies.percentile(99), Report.number(one.get("CPU ms/turn")), step.cpuPerTurn,
          byInstance(step.cpu, step.answered));
    }
  }

  private static String byInstance(Map<String, Double> cpu, long turns) {
    List<String> cells = new ArrayList<>();
    cpu.forEach((name, ms) -> {
      if (Stack.SERVICES.stream().anyMatch(name::startsWith) || name.startsWith("kafka")) {
        cells.add(name + " " + Report.format(turns == 0 ? Double.NaN : ms / turns));
      }
    });
    return String.join(", ", cells);
  }

  private static Map<String, Long> processes(Stack stack) {
    Map<String, Long> all = new LinkedHashMap<>(stack.processIds());
    Pipeline.broker().processIds().forEach((name, pid) -> all.put("kafka " + name, pid));
    return all;
  }

  private static List<OpenLoad.Sender> senders(Stack stack) {
    List<OpenLoad.Sender> senders = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS_PER_TENANT; c++) {
      for (String tenant : TENANTS) {
        String customer = "bench-" + c;
        senders.add(new OpenLoad.Sender(tenant, customer, stack.tokens().mint(tenant, customer, Duration.ofHours(2))));
      }
    }
    return senders;
  }

  private static ClosedLoad.Request chat(String token, String conversation, String messageId) {
    return new ClosedLoad.Request("/ai/chat", h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json").set("Prefer", "respond-async"),
        "{\"message\":\"Do you have SUVs under 30k?\",\"conversationId\":\"" + conversation + "\",\"messageId\":\"" + messageId + "\"}");
  }

  /**
   * One signed Wazzup webhook with one message. Chats go round 500 numbers, so bursts of a chat
   * are joined into few turns by the WhatsApp debounce, as they are in life.
   */
  private static ClosedLoad.Request whatsApp(String run, long i) {
    String body = "{\"messages\":[{\"messageId\":\"" + run + "-wa-" + i + "\",\"channelId\":\"" + Pipeline.WHATSAPP_CHANNEL
        + "\",\"chatType\":\"whatsapp\",\"chatId\":\"1512555" + (1000 + i % 500) + "\",\"type\":\"text\",\"status\":\"inbound\","
        + "\"isEcho\":false,\"text\":\"Do you have SUVs under 30k?\"}]}";
    String signature = sign(body);
    return new ClosedLoad.Request("/webhooks/wazzup/" + Pipeline.WHATSAPP_CHANNEL,
        h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json").set("X-Wazzup-Signature", signature), body);
  }

  private static String sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Pipeline.WHATSAPP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
