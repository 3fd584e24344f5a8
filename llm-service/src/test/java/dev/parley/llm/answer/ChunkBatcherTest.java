package dev.parley.llm.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChunkBatcherTest {

  private final AtomicLong clock = new AtomicLong();
  private final List<String> sent = new ArrayList<>();
  private final ChunkBatcher batcher = new ChunkBatcher(10, 50, clock::get, (sequence, text) -> sent.add(sequence + ":" + text));

  @Test
  void shouldSendChunkOnceItHoldsEnoughCharacters() {
    batcher.add("hello ");
    batcher.add("world!");

    assertThat(sent).containsExactly("0:hello world!");
  }

  @Test
  void shouldSendChunkWhenMaxDelayHasPassed() {
    batcher.add("a");
    clock.addAndGet(49);
    batcher.add("b");
    clock.addAndGet(1);
    batcher.add("c");

    assertThat(sent).containsExactly("0:abc");
  }

  @Test
  void shouldSendRestOnFinishWithGaplessSequence() {
    batcher.add("0123456789");
    batcher.add("tail");

    assertThat(batcher.finish()).isEqualTo(2);
    assertThat(sent).containsExactly("0:0123456789", "1:tail");
  }

  @Test
  void shouldHoldBackPlaceholderUntilItIsWhole() {
    batcher.add("call me at [PHO"); // long enough to send, but the placeholder is not finished
    batcher.add("NE_1]");
    batcher.finish();

    assertThat(sent).containsExactly("0:call me at ", "1:[PHONE_1]");
  }

  @Test
  void shouldSendNothingForEmptyAnswer() {
    assertThat(batcher.finish()).isZero();
    assertThat(sent).isEmpty();
  }
}
