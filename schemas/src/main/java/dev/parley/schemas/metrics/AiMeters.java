package dev.parley.schemas.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parley's own meters, named once for every service: what operators chart and alert on, scraped
 * at {@code /actuator/prometheus}. The names are the dealership seed's; Micrometer writes
 * {@code ai.requests} as {@code ai_requests_total}, {@code ai.request.duration} as
 * {@code ai_request_duration_seconds}.
 *
 * <p>Labels never carry customer text or identifiers, and every label's values are bounded: an
 * enum here, a route template, a configured model name, or a tenant of the configuration
 * ({@link #tenantTag}).
 */
public final class AiMeters {

  /** {@code ai_requests_total{endpoint,method,status}}: public HTTP requests, by route template. */
  public static final String REQUESTS = "ai.requests";
  /** {@code ai_request_duration_seconds{endpoint,method}}: how long public HTTP requests took. */
  public static final String REQUEST_DURATION = "ai.request.duration";
  /** {@code ai_errors_total{error_type}}: every failure a caller or a customer could notice. */
  public static final String ERRORS = "ai.errors";
  /** {@code ai_messages_sent_total{role}}: messages written to a conversation, by who wrote them. */
  public static final String MESSAGES_SENT = "ai.messages.sent";
  /**
   * Conversations that got their first message: the seed's {@code ai_conversations_created_total}.
   * Prometheus clients reserve the {@code _created} suffix (OpenMetrics' creation timestamps), so
   * the scrape shows {@code ai_conversations_total}; the production stack's recording rule gives it
   * the seed's name back.
   */
  public static final String CONVERSATIONS_CREATED = "ai.conversations.created";
  /** {@code ai_llm_tokens_total{model,direction,tenant}}: tokens sent to and produced by the model. */
  public static final String LLM_TOKENS = "ai.llm.tokens";
  /** {@code ai_llm_cost_usd_total{model,tenant}}: what those tokens cost, from the price table. */
  public static final String LLM_COST_USD = "ai.llm.cost.usd";
  /** {@code ai_fallbacks_total{reason}}: customers who got the polite fallback instead of an answer. */
  public static final String FALLBACKS = "ai.fallbacks";
  /** {@code ai_deliveries_total{channel,status}}: delivery receipts (each attempt, each target). */
  public static final String DELIVERIES = "ai.deliveries";
  /** {@code ai_tool_calls_total{tool,outcome}}: tools the model called. */
  public static final String TOOL_CALLS = "ai.tool.calls";
  /** {@code ai_tool_duration_seconds{tool}}: how long they ran. */
  public static final String TOOL_DURATION = "ai.tool.duration";

  /** Who wrote a message. */
  public enum Role {
    USER, ASSISTANT, AGENT
  }

  /** The kinds of failure, across the services. */
  public enum ErrorType {
    /** A request or record that breaks the contract (400, 413, 415, 422). */
    VALIDATION,
    /** No valid token or signature (401). */
    UNAUTHORIZED,
    /** A valid caller without the right (403). */
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    /** Refused by a rate limit (429). */
    RATE_LIMITED,
    /** A synchronous chat whose reply did not come in time (504). */
    REPLY_TIMEOUT,
    /** A dependency was down (503). */
    UNAVAILABLE,
    /** Anything else that answered 5xx. */
    INTERNAL,
    /** The model provider failed or timed out after its retries (the customer got the fallback). */
    MODEL,
    /** A tool the model called failed (the model was told and went on). */
    TOOL,
    /** A record a service could not process (now a dead letter). */
    PROCESSING,
    /** A record no schema could decode (now a dead letter). */
    UNDECODABLE_RECORD,
    /** A delivery that failed for good (now a failed delivery to re-drive). */
    DELIVERY
  }

  /** Why a customer got the fallback. */
  public enum FallbackReason {
    /** The model failed after its retries, or the circuit was open. */
    MODEL_FAILED,
    /** Answering failed otherwise (the database, a bug). */
    ANSWER_FAILED,
    /** No answer came before the turn's deadline (the reply watchdog). */
    REPLY_TIMEOUT,
    /** The turn could not be processed at all (a dead letter). */
    PROCESSING_FAILED
  }

  private static final java.time.Duration[] TOOL_BUCKETS = java.util.stream.LongStream.of(5, 10, 25, 50, 100, 250, 500, 1000,
      2500, 5000, 10_000).mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

  /** The tag value of a tenant that is not in the configuration. */
  public static final String OTHER = "other";

  private final MeterRegistry registry;
  private final Map<ErrorType, Counter> errors;
  private final Map<Role, Counter> messages;
  private final Map<FallbackReason, Counter> fallbacks;
  private final Counter conversationsCreated;
  private final Map<String, Counter> others = new ConcurrentHashMap<>();
  private final Map<String, Timer> toolDurations = new ConcurrentHashMap<>();

  public AiMeters(MeterRegistry registry) {
    this.registry = registry;
    this.errors = counters(ErrorType.class, type -> Counter.builder(ERRORS).tag("error_type", tag(type))
        .description("Failures a caller or customer could notice, by kind").register(registry));
    this.messages = counters(Role.class, role -> Counter.builder(MESSAGES_SENT).tag("role", tag(role))
        .description("Messages written to a conversation, by who wrote them").register(registry));
    this.fallbacks = counters(FallbackReason.class, reason -> Counter.builder(FALLBACKS).tag("reason", tag(reason))
        .description("Customers who got the polite fallback instead of an answer").register(registry));
    this.conversationsCreated = Counter.builder(CONVERSATIONS_CREATED)
        .description("Conversations that got their first message").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void error(ErrorType type) {
    errors.get(type).increment();
  }

  public void messagesSent(Role role, int count) {
    messages.get(role).increment(count);
  }

  public void fallback(FallbackReason reason) {
    fallbacks.get(reason).increment();
  }

  public void conversationCreated() {
    conversationsCreated.increment();
  }

  /**
   * Tokens and their cost for one answer.
   *
   * @param model  a configured model's name (bounded by configuration)
   * @param tenant a tenant of the configuration, or {@link #OTHER} ({@link #tenantTag})
   */
  public void llmUsage(String model, String tenant, long inputTokens, long outputTokens, double costUsd) {
    counter(LLM_TOKENS, "model", model, "direction", "input", "tenant", tenant).increment(inputTokens);
    counter(LLM_TOKENS, "model", model, "direction", "output", "tenant", tenant).increment(outputTokens);
    counter(LLM_COST_USD, "model", model, "tenant", tenant).increment(costUsd); // 0 for a model without a price
  }

  /** One tool call and how long it ran; {@code tool} is one of the tools Parley defines, or "unknown". */
  public void toolCall(String tool, boolean ok, long latencyMs) {
    counter(TOOL_CALLS, "tool", tool, "outcome", ok ? "success" : "error").increment();
    toolDurations.computeIfAbsent(tool, name -> Timer.builder(TOOL_DURATION).tag("tool", name)
        .serviceLevelObjectives(TOOL_BUCKETS) // buckets, for p95 in Prometheus
        .description("How long the tools the model called ran").register(registry))
        .record(latencyMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (!ok) {
      error(ErrorType.TOOL);
    }
  }

  /**
   * One delivery receipt.
   *
   * @param channel the channel type's name (an enum of the schema)
   * @param status  the receipt's status (an enum of the schema)
   */
  public void delivery(String channel, String status) {
    counter(DELIVERIES, "channel", channel.toLowerCase(Locale.ROOT), "status", status.toLowerCase(Locale.ROOT)).increment();
  }

  /** A counter by bounded tags, looked up once per distinct tag set. */
  private Counter counter(String name, String... tags) {
    return others.computeIfAbsent(name + String.join("\u0000", tags), key -> Counter.builder(name).tags(tags).register(registry));
  }

  private static <E extends Enum<E>> Map<E, Counter> counters(Class<E> type, Function<E, Counter> counter) {
    Map<E, Counter> map = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      map.put(value, counter.apply(value));
    }
    return map;
  }

  /**
   * A tenant as a label value: itself when the configuration names it, else {@link #OTHER}, so that
   * no caller can grow a label without bound.
   */
  public static String tenantTag(java.util.Set<String> configured, String tenant) {
    return tenant != null && configured.contains(tenant) ? tenant : OTHER;
  }

  static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
