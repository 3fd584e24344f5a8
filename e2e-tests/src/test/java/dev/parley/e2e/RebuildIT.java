package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The transcript index is derived from the log alone: rebuilt from the conversation topics into a
 * fresh application id, it equals the live one, checksum for checksum.
 */
class RebuildIT {

  @Test
  void shouldRebuildTheTranscriptIndexFromTheLogEqualToTheLiveOne() throws Exception {
    var stack = Pipeline.stack();
    var customer = new Client(stack.ingressUrl(), stack.tokens().mint(SampleData.TENANT, "rebuild-customer", Duration.ofHours(1)));
    var chat = customer.chat("{\"message\":\"What are your opening hours?\"}");
    assertThat(chat.status()).as(chat.raw()).isEqualTo(200);
    customer.poll("/ai/conversations/" + chat.body().get("conversationId").asString() + "/transcript",
        transcript -> transcript.get("events").size() >= 3);

    IndexRebuildCommand.Outcome rebuild = IndexRebuildCommand.run(stack.bootstrapServers());

    assertThat(rebuild.equal()).as(rebuild.output()).isTrue();
    assertThat(rebuild.exitCode()).isZero();
    assertThat(rebuild.events()).as("every event of the log read again").isPositive();
    assertThat(rebuild.rebuilt()).isEqualTo(rebuild.live());
    assertThat(Long.parseLong(rebuild.live().split(":")[0])).as("conversations indexed").isPositive();
  }
}
