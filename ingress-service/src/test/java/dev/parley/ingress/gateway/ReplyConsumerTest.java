package dev.parley.ingress.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

class ReplyConsumerTest {

  @Test
  void shouldStartFollowingRepliesBeforeTheWebServerTakesChatsAndStopAfterIt() {
    var consumer = new ReplyConsumer(null, null, null, null, null);

    // Lifecycles start in ascending phase order and stop in descending order.
    assertThat(consumer.getPhase()).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
  }
}
