package dev.parley.llm.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TenantSharesTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void shouldRunOtherTenantsTurnsWhileOneTenantsSlowModelFillsItsShare() throws Exception {
    TenantShares shares = new TenantShares(pool, 2);
    CountDownLatch modelAnswers = new CountDownLatch(1);
    AtomicInteger slowRunning = new AtomicInteger();
    AtomicInteger slowMostAtOnce = new AtomicInteger();
    CountDownLatch slowDone = new CountDownLatch(20);
    for (int i = 0; i < 20; i++) { // more than the whole pool
      shares.of("slow-tenant").execute(() -> {
        slowMostAtOnce.accumulateAndGet(slowRunning.incrementAndGet(), Math::max);
        try {
          modelAnswers.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slowRunning.decrementAndGet();
        slowDone.countDown();
      });
    }
    CountDownLatch othersDone = new CountDownLatch(30);
    for (int i = 0; i < 30; i++) {
      shares.of("tenant-" + (i % 3)).execute(othersDone::countDown);
    }

    assertThat(othersDone.await(5, TimeUnit.SECONDS)).as("other tenants' turns ran while the slow tenant's model hung").isTrue();
    assertThat(shares.running("slow-tenant")).isEqualTo(2);

    modelAnswers.countDown();
    assertThat(slowDone.await(5, TimeUnit.SECONDS)).as("the slow tenant's waiting turns ran once places were free").isTrue();
    assertThat(slowMostAtOnce.get()).as("the slow tenant never held more than its share").isEqualTo(2);
  }

  @Test
  void shouldForgetTenantsWithNothingRunning() throws Exception {
    TenantShares shares = new TenantShares(pool, 3);
    CountDownLatch done = new CountDownLatch(10);
    for (int i = 0; i < 10; i++) {
      shares.of("quiet-tenant").execute(done::countDown);
    }
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(shares.running("quiet-tenant")).isZero();
    assertThat(shares.tenantsHeld()).as("an idle tenant holds no memory").isZero();
  }
}
