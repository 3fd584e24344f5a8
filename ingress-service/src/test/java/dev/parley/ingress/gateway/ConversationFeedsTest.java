package dev.parley.ingress.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChannelInfo;
import dev.parley.events.CommandOutcome;
import dev.parley.events.CommandResult;
import dev.parley.events.ConversationEvent;
import dev.parley.events.ConversationEventType;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.ReplyChunk;
import dev.parley.events.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class ConversationFeedsTest {

  private static final String TENANT = "acme-motors";

  @Test
  void shouldHoldReplyUntilItsLastChunkWhenReplyIsReadFirst() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(30));
    var followed = feeds.follow(TENANT, "c1").take(3);

    feeds.onReply(reply("r1", 2));
    feeds.onChunk(chunk("r1", 1, "world"));
    feeds.onChunk(chunk("r1", 0, "hello "));

    StepVerifier.create(followed.map(ConversationFeedsTest::describe))
        .expectNext("chunk 1", "chunk 0", "reply r1")
        .verifyComplete();
  }

  @Test
  void shouldNotCountRedeliveredChunkTwice() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(30));
    feeds.onChunk(chunk("r1", 0, "a"));
    feeds.onChunk(chunk("r1", 0, "a"));
    feeds.onReply(reply("r1", 2));

    StepVerifier.create(feeds.follow(TENANT, "c1").map(ConversationFeedsTest::describe).take(Duration.ofMillis(300)))
        .expectNext("chunk 0", "chunk 0")
        .verifyComplete();
  }

  @Test
  void shouldReleaseHeldReplyAfterMaxHoldWhenChunkIsLost() throws InterruptedException {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofMillis(50));
    feeds.onChunk(chunk("r1", 0, "a"));
    feeds.onReply(reply("r1", 2));
    Thread.sleep(80);
    feeds.releaseOverdue();

    StepVerifier.create(feeds.follow(TENANT, "c1").map(ConversationFeedsTest::describe).take(2))
        .expectNext("chunk 0", "reply r1")
        .verifyComplete();
  }

  @Test
  void shouldGiveEachConversationOnlyItsOwnEventsAndPickRepliesByMessageId() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(1));
    feeds.onReply(reply("r1", 0));
    AssistantReply other = reply("r2", 0);
    other.setConversationId("c2");
    feeds.onReply(other);

    StepVerifier.create(feeds.answerTo(TENANT, "c1", "m-r1").map(answer -> ((AssistantReply) answer).getEventId()))
        .expectNext("r1").verifyComplete();
    StepVerifier.create(feeds.follow(TENANT, "c2").map(ConversationFeedsTest::describe).take(Duration.ofMillis(200)))
        .expectNext("reply r2").verifyComplete();
  }

  @Test
  void shouldShowATurnsAnswerOnceWhenALateAnswerComesUnderTheSameReplyId() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(1));
    feeds.onReply(reply("r1", 0)); // the watchdog's fallback
    feeds.onChunk(chunk("r1", 0, "late")); // the model, too late
    feeds.onReply(reply("r1", 1));

    StepVerifier.create(feeds.follow(TENANT, "c1").map(ConversationFeedsTest::describe).take(Duration.ofMillis(300)))
        .expectNext("reply r1").verifyComplete();
  }

  @Test
  void shouldAnswerAMessageWithTheWordThatAPersonHasItWhileEscalated() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(1));
    var answer = feeds.answerTo(TENANT, "c1", "m-9");

    feeds.onConversationEvent(ConversationEvent.newBuilder().setEventId("e1").setTenantId(TENANT).setConversationId("c1")
        .setType(ConversationEventType.MESSAGE_FOR_AGENT).setTo("ESCALATED").setCauseId("t9").setMessageIds(List.of("m-9"))
        .setText("anyone there?").setCreatedAt(Instant.now()).build());

    StepVerifier.create(answer.map(event -> ((ConversationEvent) event).getType())).expectNext(ConversationEventType.MESSAGE_FOR_AGENT)
        .verifyComplete();
  }

  @Test
  void shouldHandVerdictsOnlyToWhoeverWaitsForThemNotToFollowers() {
    ConversationFeeds feeds = new ConversationFeeds(Duration.ofMinutes(2), Duration.ofSeconds(1));
    var verdict = feeds.outcomeOf(TENANT, "c1", "cmd-1");

    feeds.onOutcome(CommandOutcome.newBuilder().setEventId("o1").setTenantId(TENANT).setConversationId("c1").setCommandId("cmd-1")
        .setVerdict(CommandResult.REFUSED).setCode("INVALID_STAGE_TRANSITION").setCreatedAt(Instant.now()).build());

    StepVerifier.create(verdict.map(CommandOutcome::getCode)).expectNext("INVALID_STAGE_TRANSITION").verifyComplete();
    StepVerifier.create(feeds.follow(TENANT, "c1").take(Duration.ofMillis(200))).verifyComplete();
  }

  private static String describe(SpecificRecord event) {
    return event instanceof ReplyChunk chunk ? "chunk " + chunk.getSequence() : "reply " + ((AssistantReply) event).getEventId();
  }

  private static ReplyChunk chunk(String replyId, int sequence, String text) {
    return ReplyChunk.newBuilder().setEventId(replyId + ":" + sequence).setTenantId(TENANT).setConversationId("c1")
        .setTurnId("t").setReplyId(replyId).setMessageIds(List.of("m-" + replyId)).setSequence(sequence).setText(text)
        .setCreatedAt(Instant.now()).build();
  }

  private static AssistantReply reply(String replyId, int chunkCount) {
    return AssistantReply.newBuilder().setEventId(replyId).setTenantId(TENANT).setConversationId("c1").setTurnId("t")
        .setMessageIds(List.of("m-" + replyId)).setChannel(ChannelInfo.newBuilder().build()).setText("hello world")
        .setIntent(new Intent("other", 0.3)).setModel(new ModelInfo("m", "offline", true))
        .setUsage(new TokenUsage(1, 1, true, 0.0)).setChunkCount(chunkCount).setProcessingTimeMs(1)
        .setCreatedAt(Instant.now()).build();
  }
}
