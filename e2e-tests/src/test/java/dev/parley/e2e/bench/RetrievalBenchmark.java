package dev.parley.e2e.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Retrieval on PostgreSQL with pgvector as the knowledge base uses it (384-dimension embeddings,
 * an HNSW index with cosine distance, a tenant filter): top-5 over many chunks, latency p50/p99
 * and recall@5 against an exact scan computed here.
 *
 * <p>The vectors are synthetic but shaped like embeddings (points around a thousand topics, not
 * uniform noise, on which no approximate index does well), seeded, so every run searches the same
 * data; they live in a scratch schema of their own and are kept between runs (building the index
 * is the slow part).
 */
final class RetrievalBenchmark {

  /** What was measured. */
  record Result(int chunks, int queries, long p50Micros, long p99Micros, double recallAt5, double buildSeconds) {
  }

  private static final int DIMENSIONS = 384;
  private static final int TOPICS = 1_000;
  private static final String SCHEMA = "bench_retrieval";

  private RetrievalBenchmark() {
  }

  static Result run(String database, int chunks, int queries) throws SQLException {
    float[][] vectors = vectors(chunks, 42);
    double buildSeconds = 0;
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "parley", "parley")) {
      String table = SCHEMA + ".chunks_" + chunks;
      if (!ready(db, table, chunks)) {
        long started = System.nanoTime();
        build(db, table, vectors);
        buildSeconds = (System.nanoTime() - started) / 1e9;
      }
      Random random = new Random(7);
      Latencies latencies = new Latencies();
      long found = 0;
      try (PreparedStatement search = db.prepareStatement(
          "SELECT id FROM " + table + " WHERE tenant_id = 'bench' ORDER BY embedding <=> CAST(? AS vector) LIMIT 5")) {
        for (int q = -20; q < queries; q++) { // 20 untimed first, for the caches
          float[] query = near(vectors[random.nextInt(vectors.length)], random, 0.35f);
          long started = System.nanoTime();
          search.setString(1, Arrays.toString(query));
          Set<Integer> got = new HashSet<>();
          try (ResultSet rows = search.executeQuery()) {
            while (rows.next()) {
              got.add(rows.getInt(1));
            }
          }
          if (q < 0) {
            continue;
          }
          latencies.recordMicros((System.nanoTime() - started) / 1_000);
          found += exactTop5(vectors, query).stream().filter(got::contains).count();
        }
      }
      return new Result(chunks, queries, latencies.percentile(50), latencies.percentile(99), found / (5.0 * queries), buildSeconds);
    }
  }

  private static boolean ready(Connection db, String table, int chunks) throws SQLException {
    try (Statement statement = db.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      try (ResultSet rows = statement.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
        rows.next();
        if (!rows.getBoolean(1)) {
          return false;
        }
      }
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
        rows.next();
        return rows.getInt(1) == chunks;
      }
    }
  }

  private static void build(Connection db, String table, float[][] vectors) throws SQLException {
    try (Statement statement = db.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
      statement.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, tenant_id text NOT NULL, embedding vector(" + DIMENSIONS + ") NOT NULL)");
    }
    db.setAutoCommit(false);
    try (PreparedStatement insert = db.prepareStatement("INSERT INTO " + table + " VALUES (?, 'bench', CAST(? AS vector))")) {
      for (int i = 0; i < vectors.length; i++) {
        insert.setInt(1, i);
        insert.setString(2, Arrays.toString(vectors[i]));
        insert.addBatch();
        if (i % 1_000 == 999) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    db.commit();
    db.setAutoCommit(true);
    try (Statement statement = db.createStatement()) {
      statement.execute("SET maintenance_work_mem = '512MB'");
      // The knowledge base's index (KnowledgeSchema): HNSW with pgvector's defaults.
      statement.execute("CREATE INDEX ON " + table + " USING hnsw (embedding vector_cosine_ops)");
      statement.execute("ANALYZE " + table);
    }
  }

  /** Unit vectors around {@value #TOPICS} topics, as texts about the same things lie close together. */
  private static float[][] vectors(int count, long seed) {
    Random random = new Random(seed);
    float[][] topics = new float[TOPICS][];
    for (int t = 0; t < TOPICS; t++) {
      topics[t] = unit(gaussian(random));
    }
    float[][] vectors = new float[count][];
    for (int i = 0; i < count; i++) {
      vectors[i] = near(topics[random.nextInt(TOPICS)], random, 0.6f);
    }
    return vectors;
  }

  private static float[] near(float[] center, Random random, float spread) {
    float[] noise = unit(gaussian(random));
    float[] point = new float[DIMENSIONS];
    for (int d = 0; d < DIMENSIONS; d++) {
      point[d] = center[d] + spread * noise[d];
    }
    return unit(point);
  }

  private static float[] gaussian(Random random) {
    float[] v = new float[DIMENSIONS];
    for (int d = 0; d < DIMENSIONS; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) {
      v[d] *= scale;
    }
    return v;
  }

  /** The exact top 5 by cosine distance (the vectors are unit length: the largest dot products). */
  private static List<Integer> exactTop5(float[][] vectors, float[] query) {
    int[] best = new int[5];
    double[] scores = new double[5];
    Arrays.fill(scores, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < vectors.length; i++) {
      double dot = 0;
      float[] v = vectors[i];
      for (int d = 0; d < DIMENSIONS; d++) {
        dot += v[d] * query[d];
      }
      if (dot > scores[4]) {
        int at = 4;
        while (at > 0 && scores[at - 1] < dot) {
          scores[at] = scores[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        scores[at] = dot;
        best[at] = i;
      }
    }
    List<Integer> top = new ArrayList<>();
    for (int i : best) {
      top.add(i);
    }
    return top;
  }
}
