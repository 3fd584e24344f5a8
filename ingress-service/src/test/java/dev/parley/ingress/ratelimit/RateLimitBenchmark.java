package dev.parley.ingress.ratelimit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What a message's rate-limit check costs on the local PostgreSQL (devstack/postgres/setup.sh):
 * checks per second and microseconds per check, with 1 and 16 senders at once, each sender its own
 * user or all the same user (one hot row), all of one tenant (the tenant's row is shared by every
 * check), against a baseline of a bare {@code SELECT 1} round trip on the same pool. Prints the
 * figures; compare the ratios measured in one run (these machines are shared).
 *
 * <pre>mvn -pl ingress-service test -Dtest=RateLimitBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Not part of the test suite (the name matches no Surefire pattern): it asserts nothing.
 */
class RateLimitBenchmark {

  private static final int CHECKS = 4_000;

  @Test
  void printCostOfARateLimitCheck() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/parley_test");
    config.setUsername("parley_ingress");
    config.setPassword("parley_ingress");
    config.setMaximumPoolSize(8);
    config.setConnectionInitSql("SET synchronous_commit = off"); // as RateLimitConfiguration
    try (HikariDataSource db = new HikariDataSource(config)) {
      try (var connection = db.getConnection(); var statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS " + RateLimitConfiguration.TABLE + " (id text PRIMARY KEY, state bytea, expires_at bigint)");
      }
      var buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(db).primaryKeyMapper(PrimaryKeyMapper.STRING)
          .table(RateLimitConfiguration.TABLE).idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1))).build();
      RateLimits limits = new RateLimits(new RateLimitSettings(true,
          new RateLimitSettings.Limits(1_000_000, 10_000_000, 100_000_000), Map.of()), buckets);
      String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);

      System.out.printf("%n%d checks per row, PostgreSQL on this machine%n", CHECKS);
      for (int senders : new int[] {1, 16}) {
        double baseline = run(senders, i -> {
          try (var connection = db.getConnection(); var statement = connection.createStatement()) {
            statement.execute("SELECT 1");
          }
        });
        double distinct = run(senders, i -> limits.checkMessage(tenant, "user-" + i).block());
        double sameUser = run(senders, i -> limits.checkMessage(tenant, "one-user").block());
        System.out.printf("senders %2d: SELECT 1 %7.0f/s | check, distinct users %7.0f/s (%4.0f µs, x%.2f of SELECT 1)"
                + " | check, one user %7.0f/s (x%.2f)%n", senders, baseline, distinct, 1e6 / distinct * senders,
            distinct / baseline, sameUser, sameUser / baseline);
      }
    }
  }

  private interface Check {
    void run(int i) throws Exception;
  }

  /** Checks per second with {@code senders} threads at once. */
  private static double run(int senders, Check check) throws Exception {
    for (int i = 0; i < 200; i++) {
      check.run(i); // warm up
    }
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      long started = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < CHECKS; i++) {
        int n = i;
        all.add(pool.submit(() -> {
          check.run(n);
          return null;
        }));
      }
      for (Future<?> future : all) {
        future.get();
      }
      return CHECKS / ((System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdown();
    }
  }
}
