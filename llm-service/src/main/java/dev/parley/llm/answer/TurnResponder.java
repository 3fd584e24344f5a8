package dev.parley.llm.answer;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.parley.events.AssistantReply;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.KnowledgeSource;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyChunk;
import dev.parley.events.ReplyStatus;
import dev.parley.events.ToolCallAudit;
import dev.parley.llm.tools.SalesTaxTable;
import dev.parley.llm.tools.SalesTools;
import dev.parley.llm.tools.ProductTools;
import dev.parley.llm.tools.ConversationTools;
import dev.parley.llm.tools.PortalTools;
import dev.parley.llm.products.ProductCatalog;
import dev.parley.events.TokenUsage;
import dev.parley.schemas.metrics.AiMeters;
import dev.parley.events.UserTurn;
import dev.parley.llm.knowledge.KnowledgeService;
import dev.parley.llm.model.ModelGuard;
import dev.parley.llm.model.ModelPrices;
import dev.parley.llm.model.OfflineChatModel;
import dev.parley.llm.privacy.PiiMasker;
import dev.parley.llm.tenant.TenantSettings;
import dev.parley.llm.knowledge.SearchFilters;
import dev.parley.llm.knowledge.ScoredPassage;
import dev.parley.schemas.FallbackReplies;
import dev.parley.schemas.Keys;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Answers each enriched turn: retrieves the tenant's knowledge, streams the model's answer as
 * reply chunks, then publishes the reply.
 *
 * <p>The reply id derives from the turn id, so a turn redelivered after a crash gets a reply with
 * the same id, which its consumers recognise. When the model fails, the customer still gets a
 * polite FALLBACK reply and the cause is logged (never the customer's text).
 *
 * <p>Personal data is masked before the model sees anything and restored in the chunks and the
 * reply. Many turns are answered at once, each conversation's in order: see
 * {@code dispatch.TurnDispatcher}.
 */
@Component
public class TurnResponder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TurnResponder.class);
  /** A tool answer longer than this is cut in the audit trail (a product list can run long). */
  static final int AUDITED_RESULT_CHARACTERS = 4_000;

  private final KnowledgeService knowledge;
  private final StreamingChatModel model;
  private final ModelInfo modelInfo;
  private final KafkaTemplate<String, SpecificRecord> kafka;
  private final Duration timeout;
  private final int passages;
  private final SalesTools salesTools;
  private final ProductCatalog products;
  private final org.springframework.web.reactive.function.client.WebClient context;
  private final PiiMasker masker = new PiiMasker("US");
  private final ModelGuard guard;
  private final AnsweredTurns answered;
  /** The turns this instance answered lately, by id: a turn published again is recognised without a lookup for every turn. */
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> recentlyAnswered =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).build();
  private final ModelPrices prices;
  private final TenantSettings tenants;
  private final AiMeters meters;
  private final io.micrometer.observation.ObservationRegistry observations;

  TurnResponder(KnowledgeService knowledge, StreamingChatModel model, ModelInfo modelInfo,
      KafkaTemplate<String, SpecificRecord> kafka, io.r2dbc.spi.ConnectionFactory connections, ModelPrices prices, TenantSettings tenants, ProductCatalog products,
      org.springframework.web.reactive.function.client.WebClient.Builder http, dev.parley.schemas.auth.ServiceIdentity identity,
      @Value("${parley.context.url:http://localhost:8081}") String contextUrl,
      @Value("${parley.model.timeout:PT60S}") Duration timeout,
      @Value("${parley.retrieval.passages:4}") int passages,
      @Value("${parley.model.max-attempts:3}") int maxAttempts,
      @Value("${parley.model.first-backoff:PT0.5S}") Duration firstBackoff,
      @Value("${parley.model.circuit-open-for:PT30S}") Duration openFor, AiMeters meters,
      io.micrometer.observation.ObservationRegistry observations) {
    this.knowledge = knowledge;
    this.meters = meters;
    this.observations = observations;
    this.model = model;
    this.modelInfo = modelInfo;
    this.kafka = kafka;
    this.timeout = timeout;
    this.passages = passages;
    this.salesTools = new SalesTools(SalesTaxTable.standard());
    var db = org.springframework.r2dbc.core.DatabaseClient.create(connections);
    AnsweredTurns.createSchema(db).block(Duration.ofSeconds(30));
    this.answered = new AnsweredTurns(db);
    this.prices = prices;
    this.tenants = tenants;
    this.products = products;
    // context-service's query API, for the portal tools, as llm-service.
    this.context = http.baseUrl(contextUrl).filter(identity.authenticate()).build();
    this.guard = new ModelGuard(new ModelGuard.Settings(maxAttempts, firstBackoff, 50, 10, openFor));
  }

  /**
   * Answers one turn; called by {@link dev.parley.llm.dispatch.TurnDispatcher} on a worker thread, in order per conversation.
   *
   * @param redriveOf the dead letter this turn was re-driven from (it is answered anew), or null
   * @param maybeSeen whether the turn may have been read before (it was already in the log when its
   *                  partition was assigned): only then is it looked up among the turns answered
   */
  public void answer(String key, EnrichedTurn turn, String redriveOf, boolean maybeSeen) throws Exception {
    UserTurn userTurn = turn.getTurn();
    String replyId = Keys.replyId(turn.getEventId(), redriveOf);
    String answerKey = redriveOf == null ? turn.getEventId() : turn.getEventId() + ":" + redriveOf;
    // Looked up only when the turn may have been answered before: it was in the log before its
    // partition came here, or this instance answered a turn of that id (the same turn published again).
    boolean lookUp = maybeSeen || recentlyAnswered.getIfPresent(answerKey) != null;
    var earlier = lookUp ? answered.answered(answerKey) : java.util.Optional.<AnsweredTurns.Answered>empty();
    if (earlier.isPresent()) {
      answerAgain(key, turn, earlier.get());
      return;
    }
    List<ScoredPassage> found = knowledge.search(userTurn.getTenantId(), userTurn.getText(), SearchFilters.NONE, passages)
        .block(timeout).hits().stream().map(hit -> new ScoredPassage(hit.passage(), hit.similarity())).toList();

    PiiMasker.Masking masking = masker.newMasking();
    List<CompletableFuture<?>> chunkSends = new ArrayList<>();
    var firstChunkAt = new AtomicLong(); // when chunk 0 went out (epoch ms); 0 before
    ChunkBatcher batcher = new ChunkBatcher(80, 50, System::currentTimeMillis, (sequence, masked) ->
        chunkSends.add(sent(sequence, firstChunkAt, kafka.send(Topics.REPLY_CHUNKS.name(), key, ReplyChunk.newBuilder()
            .setEventId(replyId + ":" + sequence)
            .setTenantId(userTurn.getTenantId())
            .setConversationId(userTurn.getConversationId())
            .setTurnId(turn.getEventId())
            .setReplyId(replyId)
            .setMessageIds(userTurn.getMessageIds())
            .setSequence(sequence)
            .setText(masking.restore(masked))
            .setCreatedAt(Instant.now())
            .build()))));

    AssistantReply.Builder reply;
    try {
      ToolLoop.Outcome outcome = guard.call(() -> {
        batcher.discardUnsent();
        return generate(turn, key, replyId, found, batcher, masking);
      }, () -> batcher.sent() == 0);
      ChatResponse response = outcome.response();
      reply = AssistantReply.newBuilder()
          .setText(masking.restore(response.aiMessage().text()))
          .setStatus(ReplyStatus.ANSWERED)
          .setClarificationRequested(Prompt.asksForClarification(turn))
          .setSuggestedActions(turn.getSuggestedActions())
          .setFollowUpQuestions(turn.getFollowUpQuestions())
          .setSources(sources(found))
          .setUsage(usage(response.modelName(), outcome.usage(), prices));
      TokenUsage spent = reply.getUsage();
      meters.llmUsage(modelInfo.getName(), AiMeters.tenantTag(tenants.getTenants().keySet(), userTurn.getTenantId()),
          spent.getInputTokens(), spent.getOutputTokens(), spent.getCostUsd());
    } catch (ModelGuard.GaveUp failure) {
      meters.error(AiMeters.ErrorType.MODEL);
      meters.fallback(AiMeters.FallbackReason.MODEL_FAILED);
      Throwable cause = failure.getCause();
      log.warn("model failed on turn {} of tenant {} after {} attempt(s){}: {}", turn.getEventId(), userTurn.getTenantId(),
          failure.attempts, failure.circuitOpen ? " (circuit open)" : "", cause.toString());
      batcher.discardUnsent();
      kafka.send(Topics.REPLY_FAILURES.name(), key, FallbackReplies.failure(turn, replyId, cause, failure.attempts,
          failure.circuitOpen, modelInfo.getName(), Instant.now()));
      reply = AssistantReply.newBuilder(FallbackReplies.reply(turn, replyId, modelInfo, Instant.now()));
    }
    int chunkCount = batcher.finish();
    CompletableFuture.allOf(chunkSends.toArray(CompletableFuture[]::new)).join();
    Instant now = Instant.now();
    AssistantReply published = reply
        .setEventId(replyId)
        .setTenantId(userTurn.getTenantId())
        .setConversationId(userTurn.getConversationId())
        .setTurnId(turn.getEventId())
        .setMessageIds(userTurn.getMessageIds())
        .setChannel(userTurn.getChannel())
        .setIntent(turn.getIntent())
        .setModel(modelInfo)
        .setChunkCount(chunkCount)
        .setProcessingTimeMs(Math.max(0, now.toEpochMilli() - userTurn.getFirstReceivedAt().toEpochMilli()))
        .setFirstChunkMs(firstChunkAt.get() == 0 ? null : Math.max(0, firstChunkAt.get() - userTurn.getFirstReceivedAt().toEpochMilli()))
        .setCreatedAt(now)
        .build();
    kafka.send(Topics.REPLIES.name(), key, published).join();
    answered.record(answerKey, published);
    recentlyAnswered.put(answerKey, Boolean.TRUE);
  }

  /** A chunk's send, noting when the first one went out. */
  private static CompletableFuture<?> sent(int sequence, AtomicLong firstChunkAt,
      CompletableFuture<?> send) {
    if (sequence == 0) {
      firstChunkAt.compareAndSet(0, System.currentTimeMillis());
    }
    return send;
  }

  /**
   * A turn answered before, delivered again: never silence. Its earlier reply goes out again under
   * its same id (whoever had it recognises it; whoever waits for it now gets it); when the earlier
   * reply was not kept, the fallback goes out under that id, with a failure saying why.
   */
  private void answerAgain(String key, EnrichedTurn turn, AnsweredTurns.Answered earlier) {
    if (earlier.reply().isPresent()) {
      log.info("turn {} was answered before; sending its reply again", turn.getEventId());
      kafka.send(Topics.REPLIES.name(), key, earlier.reply().get()).join();
      return;
    }
    log.warn("turn {} was answered before and its reply was not kept; sending the fallback under its reply id", turn.getEventId());
    meters.fallback(AiMeters.FallbackReason.ANSWER_FAILED);
    Instant now = Instant.now();
    kafka.send(Topics.REPLY_FAILURES.name(), key, FallbackReplies.failure(turn, earlier.replyId(),
        new IllegalStateException("the turn was answered before and its reply is not kept"), 0, false, modelInfo.getName(), now));
    kafka.send(Topics.REPLIES.name(), key, FallbackReplies.reply(turn, earlier.replyId(), modelInfo, now)).join();
  }

  /**
   * The customer's answer when answering failed outright (the database, a tool, a bug): the
   * fallback reply and the failure, under the turn's reply id, so a watchdog's or a later answer
   * under the same id counts once. Blocks until both are written.
   */
  public void fallback(String key, EnrichedTurn turn, String redriveOf, Throwable cause) {
    String replyId = Keys.replyId(turn.getEventId(), redriveOf);
    Instant now = Instant.now();
    meters.fallback(AiMeters.FallbackReason.ANSWER_FAILED);
    kafka.send(Topics.REPLY_FAILURES.name(), key, FallbackReplies.failure(turn, replyId, cause, 1, false, modelInfo.getName(), now));
    kafka.send(Topics.REPLIES.name(), key, FallbackReplies.reply(turn, replyId, modelInfo, now)).join();
  }

  private ToolLoop.Outcome generate(EnrichedTurn turn, String key, String replyId, List<ScoredPassage> found,
      ChunkBatcher batcher, PiiMasker.Masking masking) throws Exception {
    UserTurn userTurn = turn.getTurn();
    // The model sees placeholders, never the customer's phone, email, card or SSN; so do the tool
    // arguments it writes, and with them the audit trail.
    String tenant = userTurn.getTenantId();
    ToolLoop tools = new ToolLoop(List.of(salesTools, new ProductTools(products, tenant),
        new ConversationTools(kafka, tenant, userTurn.getConversationId(), replyId), new PortalTools(context, tenant)), observations);
    return tools.run(model, Prompt.messages(turn, found, masking::mask, tenants.persona(tenant)), batcher::add,
        (call, result, ok, latencyMs, error, round) -> {
          // A model may name a tool that does not exist: the label stays within the tools Parley defines.
          meters.toolCall(tools.defines(call.name()) ? call.name() : "unknown", ok, latencyMs);
          kafka.send(Topics.TOOL_CALLS.name(), key, ToolCallAudit.newBuilder()
            .setEventId(Keys.derivedId("tool-call", replyId, Integer.toString(round), call.id() == null ? call.name() : call.id()))
            .setTenantId(userTurn.getTenantId())
            .setConversationId(userTurn.getConversationId())
            .setTurnId(turn.getEventId())
            .setReplyId(replyId)
            .setTool(call.name())
            .setArguments(call.arguments())
            .setStatus(ok ? "OK" : "ERROR")
            .setLatencyMs(latencyMs)
            .setError(error)
            .setConfidence(turn.getIntent().getConfidence())
            .setRound(round)
            .setReasoning(modelInfo.getName() + " asked for " + call.name() + " in round " + round
                + " for a turn with intent " + turn.getIntent().getName() + " and facts " + Prompt.facts(turn))
            .setModel(modelInfo.getName())
            .setCreatedAt(Instant.now())
            .setOutput(ok ? auditedResult(result) : null)
            .build());
        },
        timeout, tool -> tenants.toolEnabled(tenant, tool));
  }

  /** What the audit trail keeps of a tool's answer: at most {@link #AUDITED_RESULT_CHARACTERS}. */
  static String auditedResult(String result) {
    if (result == null || result.length() <= AUDITED_RESULT_CHARACTERS) {
      return result;
    }
    int end = AUDITED_RESULT_CHARACTERS - 1;
    if (Character.isHighSurrogate(result.charAt(end - 1))) {
      end--; // never half a character
    }
    return result.substring(0, end) + "…";
  }

  /** One source per document, with its best passage's score, best first. */
  static List<KnowledgeSource> sources(List<ScoredPassage> found) {
    var byDocument = new java.util.LinkedHashMap<String, KnowledgeSource>();
    for (ScoredPassage scored : found) { // already best first: the first passage of a document is its best
      byDocument.putIfAbsent(scored.passage().documentId(), new KnowledgeSource(scored.passage().documentId(),
          scored.passage().title(), scored.passage().category(), scored.score()));
    }
    return List.copyOf(byDocument.values());
  }

  private static TokenUsage usage(String modelName, dev.langchain4j.model.output.TokenUsage usage, ModelPrices prices) {
    boolean estimated = OfflineChatModel.NAME.equals(modelName);
    if (usage == null) {
      return new TokenUsage(0, 0, true, 0.0);
    }
    int in = nz(usage.inputTokenCount());
    int out = nz(usage.outputTokenCount());
    return new TokenUsage(in, out, estimated, estimated ? 0.0 : prices.cost(modelName, in, out));
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  /** Keeps the replies still waiting to be written. */
  @Override
  public void close() {
    answered.close();
  }
}
