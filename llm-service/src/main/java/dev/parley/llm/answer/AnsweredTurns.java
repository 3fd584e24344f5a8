package dev.parley.llm.answer;

import dev.parley.events.AssistantReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The turns already answered, in PostgreSQL, with the reply they got: a turn delivered again (a
 * crash, a rebalance, a log replayed) is not answered a second time — its earlier reply is sent
 * again instead, under its same id, so whoever waits for it now gets it and whoever had it
 * already recognises it. The row is written after the reply is published, so a crash in between
 * can at worst publish the reply twice under the same id; it can never lose the reply.
 *
 * <p>The reply is kept in Avro's single-object encoding, which needs no schema registry: it opens
 * even when the registry it was first written with is gone.
 *
 * <p>Rows are written in batches (every {@value #FLUSH_MILLIS} ms, up to {@value #BATCH} a statement)
 * rather than one round trip per turn: a row only serves a turn delivered again, and one lost in a
 * crash means at worst the reply published again under its same id, as before. They are looked up
 * only for turns that may have been seen before (see the dispatcher), not for every turn.
 */
final class AnsweredTurns implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AnsweredTurns.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int FLUSH_MILLIS = 20;
  private static final int BATCH = 200;
  /** Rows waiting while the database is away, at most: beyond, the oldest are dropped (and said so). */
  private static final int MAX_WAITING = 100_000;

  private record Row(String turnId, String replyId, ByteBuffer reply) {
  }

  private final ConcurrentLinkedQueue<Row> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "answered-turns-writer");
    thread.setDaemon(true);
    return thread;
  });

  /** A turn answered before: its reply's id, and the reply itself when it was kept (rows before it was). */
  record Answered(String replyId, Optional<AssistantReply> reply) {
  }

  private final DatabaseClient db;

  AnsweredTurns(DatabaseClient db) {
    this.db = db;
    writer.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
  }

  static Mono<Void> createSchema(DatabaseClient db) {
    return Flux.just("""
            CREATE TABLE IF NOT EXISTS answered_turns (
              turn_id text PRIMARY KEY,
              reply_id text NOT NULL,
              answered_at timestamptz NOT NULL DEFAULT now())""",
            "ALTER TABLE answered_turns ADD COLUMN IF NOT EXISTS reply bytea")
        .concatMap(sql -> db.sql(sql).then()).then();
  }

  Optional<Answered> answered(String turnId) {
    return Optional.ofNullable(db.sql("SELECT reply_id, reply FROM answered_turns WHERE turn_id = :t").bind("t", turnId)
        .map(row -> new Answered(row.get("reply_id", String.class), Optional.ofNullable(row.get("reply", ByteBuffer.class))
            .map(AnsweredTurns::decode)))
        .one().block(TIMEOUT));
  }

  /** Keeps the turn's reply; written with the next batch. */
  void record(String turnId, AssistantReply reply) {
    ByteBuffer encoded;
    try {
      encoded = reply.toByteBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    waiting.add(new Row(turnId, reply.getEventId(), encoded));
    if (waitingCount.incrementAndGet() > MAX_WAITING && waiting.poll() != null) {
      waitingCount.decrementAndGet();
      log.warn("answered turns are not being written (is the database down?); dropping the oldest kept reply");
    }
  }

  /** Writes what is waiting, a batch a statement; on failure the batch waits for the next try. */
  void flush() {
    while (!waiting.isEmpty()) {
      List<Row> batch = new ArrayList<>(BATCH);
      for (Row row; batch.size() < BATCH && (row = waiting.poll()) != null; ) {
        batch.add(row);
      }
      waitingCount.addAndGet(-batch.size());
      try {
        insert(batch).block(TIMEOUT);
      } catch (RuntimeException e) {
        log.warn("could not keep {} answered turns, retrying: {}", batch.size(), e.toString());
        waiting.addAll(batch);
        waitingCount.addAndGet(batch.size());
        return;
      }
    }
  }

  private Mono<Void> insert(List<Row> rows) {
    StringBuilder sql = new StringBuilder("INSERT INTO answered_turns (turn_id, reply_id, reply) VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(:t").append(i).append(", :r").append(i).append(", :b").append(i).append(')');
    }
    sql.append(" ON CONFLICT (turn_id) DO NOTHING");
    DatabaseClient.GenericExecuteSpec statement = db.sql(sql.toString());
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      statement = statement.bind("t" + i, row.turnId()).bind("r" + i, row.replyId()).bind("b" + i, row.reply().duplicate());
    }
    return statement.then();
  }

  /** Writes what is still waiting, then stops writing. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }

  private static AssistantReply decode(ByteBuffer bytes) {
    try {
      return AssistantReply.fromByteBuffer(bytes);
    } catch (IOException e) {
      return null; // a reply kept by a version whose schema this one cannot read: treated as not kept
    }
  }
}
