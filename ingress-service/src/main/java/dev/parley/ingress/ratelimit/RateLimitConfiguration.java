package dev.parley.ingress.ratelimit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The shared store of the rate limits: PostgreSQL ({@code PARLEY_DB_URL}, the same r2dbc URL form
 * the other services take; ingress-service logs in as its own role, owning only its schema). Old
 * buckets (full again) expire and are swept.
 */
@Configuration
@EnableConfigurationProperties(RateLimitSettings.class)
class RateLimitConfiguration {

  static final String TABLE = "rate_limit_buckets";

  @Bean(destroyMethod = "close")
  HikariDataSource rateLimitDatabase(@Value("${parley.db.url}") String url, @Value("${parley.db.username}") String username,
      @Value("${parley.db.password}") String password) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.replaceFirst("^r2dbc:", "jdbc:"));
    config.setUsername(username);
    config.setPassword(password);
    config.setPoolName("rate-limits");
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(2_000);
    config.setInitializationFailTimeout(-1); // start without the database; limits then let messages through
    // A bucket's last few milliseconds of counting may be lost in a database crash; waiting for the
    // disk on every message is not worth that.
    config.setConnectionInitSql("SET synchronous_commit = off");
    HikariDataSource dataSource = new HikariDataSource(config);
    createTable(dataSource);
    return dataSource;
  }

  private static void createTable(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id text PRIMARY KEY, state bytea, expires_at bigint)");
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(RateLimitConfiguration.class)
          .warn("could not create the rate-limit table now; it is created on the next start: {}", e.toString());
    }
  }

  @Bean
  ProxyManager<String> rateLimitBuckets(HikariDataSource rateLimitDatabase) {
    return Bucket4jPostgreSQL.selectForUpdateBasedBuilder(rateLimitDatabase)
        .primaryKeyMapper(PrimaryKeyMapper.STRING)
        .table(TABLE).idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
        // A bucket left alone until it is full again holds nothing worth keeping.
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
        .requestTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Bean
  RateLimits rateLimits(RateLimitSettings settings, ProxyManager<String> rateLimitBuckets) {
    return new RateLimits(settings, rateLimitBuckets);
  }

  @Bean
  ExpiredBucketSweeper expiredBucketSweeper(ProxyManager<String> rateLimitBuckets) {
    return new ExpiredBucketSweeper((io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner) rateLimitBuckets);
  }

  /** Removes expired buckets now and then, a batch at a time. */
  static final class ExpiredBucketSweeper {
    private final io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner cleaner;

    ExpiredBucketSweeper(io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner cleaner) {
      this.cleaner = cleaner;
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void sweep() {
      try {
        while (cleaner.removeExpired(1_000) >= 1_000) {
          // more to remove
        }
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(ExpiredBucketSweeper.class).warn("could not sweep expired rate-limit buckets: {}", e.toString());
      }
    }
  }
}
