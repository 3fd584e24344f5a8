package dev.parley.context.conversation;

import dev.parley.schemas.metrics.AiMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.events.AssistantReply;
import dev.parley.events.ChangeStage;
import dev.parley.events.ChangeStatus;
import dev.parley.events.ConversationCommand;
import dev.parley.events.ConversationError;
import dev.parley.events.CommandOutcome;
import dev.parley.events.CommandResult;
import dev.parley.events.ConversationEvent;
import dev.parley.events.DeadLetter;
import dev.parley.events.ReplyFailure;
import dev.parley.events.ConversationEventType;
import dev.parley.events.ConversationStatus;
import dev.parley.events.CustomerProfile;
import dev.parley.events.SalesStage;
import dev.parley.events.SetCustomerName;
import dev.parley.events.ChannelInfo;
import dev.parley.events.ChannelType;
import dev.parley.events.ConversationState;
import dev.parley.events.EnrichedTurn;
import dev.parley.events.InboundMessage;
import dev.parley.events.Intent;
import dev.parley.events.ModelInfo;
import dev.parley.events.Role;
import dev.parley.events.TokenUsage;
import dev.parley.context.profile.ProfileProcessor;
import dev.parley.reference.Customer;
import dev.parley.reference.Deal;
import dev.parley.reference.MlInsight;
import dev.parley.reference.Product;
import dev.parley.schemas.Keys;
import dev.parley.schemas.RegistryFreeSerdes;
import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversationTopologyTest {

  /** Parley's meters, as the topology counts into them. */
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AiMeters meters = new AiMeters(registry);

  private static final String TENANT = "acme-motors";
  private final RegistryFreeSerdes serdes = new RegistryFreeSerdes();
  private TopologyTestDriver driver;
  private TestInputTopic<String, InboundMessage> inbound;
  private TestInputTopic<String, AssistantReply> replies;
  private TestOutputTopic<String, EnrichedTurn> enriched;
  private TestOutputTopic<String, ConversationState> conversations;
  private TestInputTopic<String, ConversationCommand> commands;
  private TestOutputTopic<String, ConversationError> errors;
  private TestOutputTopic<String, AssistantReply> agentReplies;
  private TestOutputTopic<String, ConversationEvent> events;
  private TestOutputTopic<String, CommandOutcome> outcomes;

  @BeforeEach
  void startDriver() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "context-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ctx-test-" + UUID.randomUUID());
    driver = new TopologyTestDriver(ConversationTopology.build(ConversationTopology.Settings.defaults(), serdes, meters), props);
    inbound = input(Topics.INBOUND_MESSAGES);
    replies = input(Topics.REPLIES);
    enriched = output(Topics.ENRICHED_TURNS);
    conversations = output(Topics.CONVERSATIONS);
    commands = input(Topics.CONVERSATION_COMMANDS);
    errors = output(Topics.CONVERSATION_ERRORS);
    agentReplies = output(Topics.REPLIES);
    events = output(Topics.CONVERSATION_EVENTS);
    outcomes = output(Topics.COMMAND_OUTCOMES);
    input(Topics.CUSTOMERS).pipeInput(Keys.of(TENANT, "c-1"), Customer.newBuilder()
        .setTenantId(TENANT).setCustomerId("c-1").setName("Maria Lopez").setSegment("first-time buyer")
        .setCreditScore(712).setState("TX").setUpdatedAt(Instant.now()).build());
    input(Topics.DEALS).pipeInput(Keys.of(TENANT, "d-1"), Deal.newBuilder()
        .setTenantId(TENANT).setDealId("d-1").setCustomerId("c-1").setStage("negotiation")
        .setVehicle("2024 Toyota RAV4 XLE").setPrice(new BigDecimal("32500.00")).setUpdatedAt(Instant.now()).build());
    input(Topics.ML_INSIGHTS).pipeInput(Keys.of(TENANT, "c-1"), MlInsight.newBuilder().setTenantId(TENANT).setCustomerId("c-1")
        .setCluster("value-seeking first-time buyer").setClusterConfidence(0.8).setClusterRecommendation("lead with the payment")
        .setDealStrategy("payment-first").setStrategyConfidence(0.7).setModelVersion("t").setUpdatedAt(Instant.now()).build());
  }

  @Test
  void shouldAnalyseTurnAgainstTenantInventoryAndRememberWhatWasSaid() {
    input(Topics.INVENTORY).pipeInput(Keys.of(TENANT, "v-1"), Product.newBuilder().setTenantId(TENANT).setProductId("v-1")
        .setName("2024 Toyota RAV4 XLE").setPrice(new BigDecimal("32500.00")).setStock(3).setLocation("Main lot")
        .setUpdatedAt(Instant.now()).build());
    String key = Keys.of(TENANT, "conv-1");

    inbound.pipeInput(key, message("conv-1", "m-1", "Is the rav 4 available? I can put $3,000 down and I live in Texas", null, null));

    EnrichedTurn turn = enriched.readValue();
    assertThat(turn.getAnalysis().getLanguage()).isEqualTo("en");
    assertThat(turn.getAnalysis().getEntities()).extracting(e -> e.getType() + "=" + e.getValue())
        .contains("product=2024 Toyota RAV4 XLE", "down_payment=3000", "us_state=TX");
    ConversationState state = store().get(key);
    assertThat(state.getEntitiesSeen()).containsEntry("down_payment", "3000").containsEntry("us_state", "TX");
    assertThat(turn.getSummary()).isEqualTo("Products discussed: 2024 Toyota RAV4 XLE. Stated: 3000 down, lives in TX.");
    assertThat(state.getLanguage()).isEqualTo("en");
  }

  @Test
  void shouldBuildUpFrustrationOverNegativeTurnsAndCountObjections() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "That's too expensive, I found a better deal elsewhere", null, null));
    inbound.pipeInput(key, message("conv-1", "m-2", "This is terrible, still waiting for a real answer!!", null, null));
    inbound.pipeInput(key, message("conv-1", "m-3", "Ridiculous. I want to speak to a manager", null, null));

    ConversationState state = store().get(key);
    assertThat(state.getObjectionCount()).isEqualTo(1);
    assertThat(state.getSentimentHistory()).hasSize(3).allMatch(score -> score < 0);
    assertThat(state.getFrustration()).isGreaterThanOrEqualTo(7);
    assertThat(state.getIntentsSeen()).containsExactly("objection", "other", "escalation_request");
  }

  @Test
  void shouldRecogniseReturningCustomerWithWhatTheyLookedAtLastTime() {
    input(Topics.INVENTORY).pipeInput(Keys.of(TENANT, "v-1"), Product.newBuilder().setTenantId(TENANT).setProductId("v-1")
        .setName("2024 Toyota RAV4 XLE").setPrice(new BigDecimal("32500.00")).setStock(3).setUpdatedAt(Instant.now()).build());
    inbound.pipeInput(Keys.of(TENANT, "visit-1"), message("visit-1", "m-1", "How much is the rav 4? I can put $3,000 down", "c-1", null));
    assertThat(enriched.readValue().getProfile()).as("first visit: no profile yet").isNull();

    inbound.pipeInput(Keys.of(TENANT, "visit-2"), message("visit-2", "m-2", "Hi again", "c-1", null));

    var profile = enriched.readValue().getProfile();
    assertThat(profile.getSessionCount()).isEqualTo(1);
    assertThat(profile.getProductsViewed()).containsExactly("2024 Toyota RAV4 XLE");
    assertThat(profile.getPreferences()).containsEntry("down_payment", "3000");
    CustomerProfile now = driver.<String, CustomerProfile>getKeyValueStore(ProfileProcessor.STORE).get(Keys.of(TENANT, "c-1"));
    assertThat(now.getSessionCount()).isEqualTo(2);
    assertThat(now.getTurnCount()).isEqualTo(2);
  }

  @Test
  void shouldWarmUpLeadAsBuyingSignalsAccumulate() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "hello", "c-9", null));
    String cold = profile("c-9").getLeadTemperature();
    inbound.pipeInput(key, message("conv-1", "m-2", "What APR for 60 months with a 720 credit score?", null, null));
    inbound.pipeInput(key, message("conv-1", "m-3", "I can put $5,000 down, can I book a test drive?", null, null));

    assertThat(cold).isEqualTo("COLD");
    assertThat(profile("c-9").getLeadTemperature()).isEqualTo("HOT");
    assertThat(profile("c-9").getIntentToBuyScore()).isGreaterThanOrEqualTo(60);
  }

  private CustomerProfile profile(String customer) {
    return driver.<String, CustomerProfile>getKeyValueStore(ProfileProcessor.STORE).get(Keys.of(TENANT, customer));
  }

  @AfterEach
  void closeDriverAfterTest() {
    driver.close();
  }

  @Test
  void shouldCombineBurstIntoOneTurnWhenWhatsAppMessagesArriveWithinGap() {
    String key = Keys.of(TENANT, "wa-1");
    inbound.pipeInput(key, whatsApp("wa-1", "w-1", "hi"));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    inbound.pipeInput(key, whatsApp("wa-1", "w-2", "do you have the RAV4"));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    inbound.pipeInput(key, whatsApp("wa-1", "w-3", "in blue?"));
    assertThat(enriched.isEmpty()).as("held while the customer is still typing").isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(3200));

    EnrichedTurn turn = enriched.readValue();
    assertThat(turn.getTurn().getMessageIds()).containsExactly("w-1", "w-2", "w-3");
    assertThat(turn.getTurn().getText()).isEqualTo("hi\ndo you have the RAV4\nin blue?");
    assertThat(enriched.isEmpty()).isTrue();
  }

  @Test
  void shouldCarryTheFirstMessagesTraceToTheTurnTheClockReleasesAndOnToItsEnrichedTurn() {
    String key = Keys.of(TENANT, "wa-1");
    String first = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    inbound.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(key, whatsApp("wa-1", "w-1", "hi"),
        TraceHeaders.of(first), Instant.now()));
    inbound.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(key, whatsApp("wa-1", "w-2", "the RAV4?"),
        TraceHeaders.of("00-11111111111111111111111111111111-2222222222222222-01"), Instant.now()));
    driver.advanceWallClockTime(Duration.ofSeconds(4));

    var turn = output(Topics.TURNS).readRecord();
    var enrichedTurn = enriched.readRecord();
    assertThat(TraceHeaders.traceParent(turn.headers())).isEqualTo(first);
    assertThat(TraceHeaders.traceParent(enrichedTurn.headers())).isEqualTo(first);
  }

  @Test
  void shouldCutAFloodIntoTurnsOfBoundedSize() {
    String key = Keys.of(TENANT, "wa-1");
    for (int i = 0; i < 120; i++) {
      inbound.pipeInput(key, whatsApp("wa-1", "w-" + i, "flood " + i));
    }
    driver.advanceWallClockTime(Duration.ofSeconds(4));

    List<EnrichedTurn> turns = enriched.readValuesToList();
    assertThat(turns).extracting(turn -> turn.getTurn().getMessageIds().size()).containsExactly(50, 50, 20);
    assertThat(turns).flatExtracting(turn -> turn.getTurn().getMessageIds()).hasSize(120).doesNotHaveDuplicates();
  }

  @Test
  void shouldKeepALongBurstCutInTheStateSoTheStateStaysFarBelowTheRecordLimit() {
    String key = Keys.of(TENANT, "wa-1");
    for (int i = 0; i < 5; i++) {
      inbound.pipeInput(key, whatsApp("wa-1", "w-" + i, "x".repeat(3_000)));
    }
    driver.advanceWallClockTime(Duration.ofSeconds(4));

    assertThat(enriched.readValue().getTurn().getText()).as("the model gets the whole burst").hasSizeGreaterThan(15_000);
    String kept = store().get(key).getRecentMessages().get(0).getText();
    assertThat(kept).hasSize(RecentMessages.KEPT_CHARACTERS + " […]".length()).endsWith("[…]");
  }

  @Test
  void shouldReleaseBurstOnWallClockTimeWhenNoFurtherRecordArrives() {
    inbound.pipeInput(Keys.of(TENANT, "wa-1"), whatsApp("wa-1", "w-1", "is the F-150 in stock?"));
    driver.advanceWallClockTime(Duration.ofMillis(2800));
    assertThat(enriched.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(400));

    assertThat(enriched.readValue().getTurn().getMessageIds()).containsExactly("w-1");
  }

  @Test
  void shouldReleaseBurstAtMaxWaitWhenMessagesKeepComing() {
    String key = Keys.of(TENANT, "wa-1");
    for (int i = 0; i < 8; i++) { // a message every 2 s keeps extending the 3 s gap
      inbound.pipeInput(key, whatsApp("wa-1", "w-" + i, "part " + i));
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }

    List<EnrichedTurn> turns = enriched.readValuesToList();
    assertThat(turns).isNotEmpty();
    assertThat(turns.get(0).getTurn().getMessageIds()).hasSizeLessThan(9).startsWith("w-0");
  }

  @Test
  void shouldDropRedeliveredWhatsAppMessageInsideBurst() {
    String key = Keys.of(TENANT, "wa-1");
    inbound.pipeInput(key, whatsApp("wa-1", "w-1", "hello"));
    inbound.pipeInput(key, whatsApp("wa-1", "w-1", "hello"));
    driver.advanceWallClockTime(Duration.ofSeconds(4));

    assertThat(enriched.readValue().getTurn().getMessageIds()).containsExactly("w-1");
  }

  @Test
  void shouldPublishEnrichedTurnWithCustomerDealAndIntentWhenTurnNamesThem() {
    inbound.pipeInput(Keys.of(TENANT, "conv-1"), message("conv-1", "m-1", "How much is the sales tax on this?", "c-1", "d-1"));

    EnrichedTurn turn = enriched.readValue();
    assertThat(turn.getTurn().getMessageIds()).containsExactly("m-1");
    assertThat(turn.getCustomer().getName()).isEqualTo("Maria Lopez");
    assertThat(turn.getCustomer().getState()).isEqualTo("TX");
    assertThat(turn.getDeal().getVehicle()).isEqualTo("2024 Toyota RAV4 XLE");
    assertThat(turn.getDeal().getPrice()).isEqualByComparingTo("32500.00");
    assertThat(turn.getInsight().getCluster()).isEqualTo("value-seeking first-time buyer");
    assertThat(turn.getIntent().getName()).isEqualTo("pricing_tax");
    assertThat(turn.getHistory()).isEmpty();
    assertThat(enriched.isEmpty()).isTrue();
  }

  @Test
  void shouldLeaveCrmContextEmptyWhenTurnNamesUnknownOrNoCustomer() {
    inbound.pipeInput(Keys.of(TENANT, "conv-1"), message("conv-1", "m-1", "hello", "c-unknown", null));

    EnrichedTurn turn = enriched.readValue();
    assertThat(turn.getCustomer()).isNull();
    assertThat(turn.getDeal()).isNull();
    assertThat(turn.getIntent().getName()).isEqualTo("greeting");
  }

  @Test
  void shouldDropMessageIdAlreadySeenForTenant() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "Do you have SUVs in stock?", null, null));
    inbound.pipeInput(key, message("conv-1", "m-1", "Do you have SUVs in stock?", null, null));

    assertThat(enriched.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldTreatSameMessageIdOfAnotherTenantAsNewMessage() {
    inbound.pipeInput(Keys.of(TENANT, "conv-1"), message("conv-1", "m-1", "hi", null, null));
    InboundMessage other = message("conv-1", "m-1", "hi", null, null);
    other.setTenantId("other-tenant");
    inbound.pipeInput(Keys.of("other-tenant", "conv-1"), other);

    assertThat(enriched.readValuesToList()).extracting(t -> t.getTurn().getTenantId())
        .containsExactly(TENANT, "other-tenant");
  }

  @Test
  void shouldGiveEachConversationOnlyItsOwnHistory() {
    inbound.pipeInput(Keys.of(TENANT, "conv-1"), message("conv-1", "m-1", "I like the RAV4", null, null));
    inbound.pipeInput(Keys.of(TENANT, "conv-2"), message("conv-2", "m-2", "Looking for a truck", null, null));
    inbound.pipeInput(Keys.of(TENANT, "conv-1"), message("conv-1", "m-3", "What about financing?", null, null));

    List<EnrichedTurn> turns = enriched.readValuesToList();
    assertThat(turns).hasSize(3);
    assertThat(turns.get(1).getHistory()).isEmpty();
    assertThat(turns.get(2).getHistory()).extracting(m -> m.getText()).containsExactly("I like the RAV4");
  }

  @Test
  void shouldFoldReplyIntoHistoryOnceWhenReplyIsRedelivered() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "What is the APR?", null, null));
    EnrichedTurn first = enriched.readValue();
    AssistantReply reply = reply(first, "Rates start at 4.9% APR.");
    replies.pipeInput(key, reply);
    replies.pipeInput(key, reply);
    inbound.pipeInput(key, message("conv-1", "m-2", "And for 72 months?", null, null));

    EnrichedTurn second = enriched.readValue();
    assertThat(second.getHistory()).extracting(m -> m.getRole()).containsExactly(Role.USER, Role.ASSISTANT);
    ConversationState state = driver.<String, ConversationState>getKeyValueStore(ConversationTopology.CONVERSATIONS_STORE).get(key);
    assertThat(state.getTurnCount()).isEqualTo(2);
    assertThat(state.getReplyCount()).isEqualTo(1);
    assertThat(conversations.readValuesToList()).last().extracting(ConversationState::getTurnCount).isEqualTo(2);
  }

  @Test
  void shouldCountMessagesByWhoWroteThemNewConversationsAndFallbacksOnce() {
    String one = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(one, message("conv-1", "m-1", "What is the APR?", null, null));
    inbound.pipeInput(one, message("conv-1", "m-1", "What is the APR?", null, null)); // redelivered: counted once
    replies.pipeInput(one, reply(enriched.readValue(), "Rates start at 4.9% APR."));
    inbound.pipeInput(one, message("conv-1", "m-2", "And for 72 months?", null, null));
    inbound.pipeInput(Keys.of(TENANT, "conv-2"), message("conv-2", "m-3", "Hi", null, null));
    driver.advanceWallClockTime(Duration.ofSeconds(31)); // the last two turns get the fallback

    assertThat(count(AiMeters.MESSAGES_SENT, "role", "user")).isEqualTo(3);
    assertThat(count(AiMeters.MESSAGES_SENT, "role", "assistant")).as("the answer and two fallbacks").isEqualTo(3);
    assertThat(count(AiMeters.MESSAGES_SENT, "role", "agent")).isZero();
    assertThat(registry.get(AiMeters.CONVERSATIONS_CREATED).counter().count()).isEqualTo(2);
    assertThat(count(AiMeters.FALLBACKS, "reason", "reply_timeout")).isEqualTo(2);
  }

  @Test
  void shouldCountAnAgentsMessageAsTheAgents() {
    String key = conversationAt(SalesStage.GREETING);
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));
    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Hi, Sam here.", null, null)));

    assertThat(count(AiMeters.MESSAGES_SENT, "role", "agent")).isEqualTo(1);
  }

  private double count(String meter, String tag, String value) {
    return registry.get(meter).tag(tag, value).counter().count();
  }

  private InboundMessage message(String conversation, String messageId, String text, String customerId, String dealId) {
    return InboundMessage.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setTenantId(TENANT)
        .setConversationId(conversation)
        .setMessageId(messageId)
        .setUserId("user-1")
        .setText(text)
        .setChannel(ChannelInfo.newBuilder().setType(ChannelType.API).build())
        .setCustomerId(customerId)
        .setDealId(dealId)
        .setReceivedAt(Instant.now())
        .build();
  }

  @ParameterizedTest
  @CsvSource({"GREETING,QUALIFYING", "QUALIFYING,NEEDS_ANALYSIS", "NEEDS_ANALYSIS,SOLUTION", "NEEDS_ANALYSIS,QUALIFYING",
      "SOLUTION,COMPANY_DETAILS", "SOLUTION,NEEDS_ANALYSIS", "COMPANY_DETAILS,QUOTING", "COMPANY_DETAILS,SOLUTION",
      "QUOTING,CLOSING", "QUOTING,SOLUTION"})
  void shouldApplyEveryAllowedStageTransition(SalesStage from, SalesStage to) {
    String key = conversationAt(from);

    commands.pipeInput(key, command(new ChangeStage(to)));

    assertThat(store().get(key).getStage()).isEqualTo(to);
    assertThat(errors.isEmpty()).isTrue();
    assertThat(conversations.readValuesToList()).last().extracting(ConversationState::getStage).isEqualTo(to);
  }

  @ParameterizedTest
  @CsvSource({"GREETING,QUOTING", "QUALIFYING,SOLUTION", "SOLUTION,CLOSING", "CLOSING,SOLUTION", "CLOSING,GREETING", "QUOTING,QUOTING"})
  void shouldRefuseDisallowedStageTransitionWithErrorEventAndKeepStage(SalesStage from, SalesStage to) {
    String key = conversationAt(from);
    conversations.readValuesToList();
    ConversationCommand command = command(new ChangeStage(to));

    commands.pipeInput(key, command);

    ConversationError error = errors.readValue();
    assertThat(error.getCode()).isEqualTo("INVALID_STAGE_TRANSITION");
    assertThat(error.getCommandId()).isEqualTo(command.getEventId());
    assertThat(store().get(key).getStage()).isEqualTo(from);
    assertThat(conversations.isEmpty()).as("a refused command changes nothing").isTrue();
  }

  @Test
  void shouldGiveEveryCommandOneVerdictAndNameTheAllowedStagesWhenRefusingAMove() {
    String key = conversationAt(SalesStage.QUALIFYING);
    ConversationCommand rename = command(new SetCustomerName("Dana Reyes"));
    ConversationCommand leap = command(new ChangeStage(SalesStage.CLOSING));

    commands.pipeInput(key, rename);
    commands.pipeInput(key, leap);

    List<CommandOutcome> verdicts = outcomes.readValuesToList();
    assertThat(verdicts).extracting(CommandOutcome::getCommandId).containsExactly(rename.getEventId(), leap.getEventId());
    assertThat(verdicts.get(0).getVerdict()).isEqualTo(CommandResult.APPLIED);
    CommandOutcome refused = verdicts.get(1);
    assertThat(refused.getVerdict()).isEqualTo(CommandResult.REFUSED);
    assertThat(refused.getCode()).isEqualTo("INVALID_STAGE_TRANSITION");
    assertThat(refused.getAllowed()).containsExactly("needs_analysis");
    assertThat(refused.getMessage()).isEqualTo("cannot move from qualifying to closing; allowed: needs_analysis");
    assertThat(errors.readValue().getAllowed()).containsExactly("needs_analysis");
  }

  @Test
  void shouldApplyACommandSentAgainOnlyOnceAndStillAnswerItsSender() {
    String key = conversationAt(SalesStage.GREETING);
    events.readValuesToList();
    ConversationCommand escalate = command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales"));
    ConversationCommand feedback = command(new dev.parley.events.RecordFeedback(5, true, "great", List.of()));

    commands.pipeInput(key, escalate);
    commands.pipeInput(key, feedback);
    commands.pipeInput(key, escalate); // a retried tool call
    commands.pipeInput(key, feedback); // a redelivery

    assertThat(store().get(key).getFeedback()).hasSize(1);
    assertThat(events.readValuesToList()).extracting(ConversationEvent::getType)
        .containsExactly(ConversationEventType.ESCALATED, ConversationEventType.FEEDBACK_RECEIVED);
    assertThat(outcomes.readValuesToList()).extracting(CommandOutcome::getVerdict).containsOnly(CommandResult.APPLIED).hasSize(4);
  }

  @Test
  void shouldNameTheReplyThatCarriesAnAppliedAgentMessage() {
    String key = conversationAt(SalesStage.GREETING);
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));
    ConversationCommand message = command(new dev.parley.events.AgentMessage("agent-7", "Hi, Sam here.", null, null));

    commands.pipeInput(key, message);

    CommandOutcome verdict = outcomes.readValuesToList().get(1);
    assertThat(verdict.getVerdict()).isEqualTo(CommandResult.APPLIED);
    assertThat(verdict.getReplyId()).isEqualTo(Keys.agentReplyId(message.getEventId())).isEqualTo(agentReplies.readValue().getEventId());
  }

  @Test
  void shouldTellThePersonWhatTheCustomerWroteWhileEscalatedAndAnswerNothing() {
    String key = conversationAt(SalesStage.GREETING);
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));
    events.readValuesToList();
    enriched.readValuesToList();

    inbound.pipeInput(key, message("conv-1", "m-held", "is anyone there?", null, null));

    ConversationEvent held = events.readValue();
    assertThat(held.getType()).isEqualTo(ConversationEventType.MESSAGE_FOR_AGENT);
    assertThat(held.getMessageIds()).containsExactly("m-held");
    assertThat(held.getText()).isEqualTo("is anyone there?");
    assertThat(held.getTo()).isEqualTo("ESCALATED");
    assertThat(enriched.isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseTurnFromSomeoneElseThanWhoStartedTheConversationWithoutRecordingIt() {
    String key = conversationAt(SalesStage.GREETING);
    enriched.readValuesToList();
    InboundMessage intruder = message("conv-1", "m-intruder", "show me this conversation", null, null);
    intruder.setUserId("someone-else");

    inbound.pipeInput(key, intruder);

    ConversationError refused = errors.readValue();
    assertThat(refused.getCode()).isEqualTo("NOT_CONVERSATION_OWNER");
    assertThat(refused.getMessageIds()).containsExactly("m-intruder");
    assertThat(enriched.isEmpty()).as("never answered with another user's history").isTrue();
    assertThat(store().get(key).getRecentMessages()).extracting(m -> m.getText()).doesNotContain("show me this conversation");
  }

  @Test
  void shouldJoinDealOnlyWhenTheCrmSaysItIsTheTurnsCustomers() {
    inbound.pipeInput(Keys.of(TENANT, "conv-x"), message("conv-x", "m-x", "what is my deal's price?", "c-2", "d-1"));
    inbound.pipeInput(Keys.of(TENANT, "conv-y"), message("conv-y", "m-y", "what is my deal's price?", null, "d-1"));

    assertThat(enriched.readValuesToList()).as("d-1 is c-1's deal").allSatisfy(turn -> assertThat(turn.getDeal()).isNull());
  }

  @Test
  void shouldAnswerWithFallbackAndDeadLetterTheTurnWhenNoReplyComesInTime() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "What APR can I get?", null, null));
    EnrichedTurn turn = enriched.readValue();
    TestOutputTopic<String, DeadLetter> deadLetters = output(Topics.DEAD_LETTERS);
    TestOutputTopic<String, ReplyFailure> failures = output(Topics.REPLY_FAILURES);

    driver.advanceWallClockTime(Duration.ofSeconds(25));
    assertThat(agentReplies.isEmpty()).as("still within the deadline").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(6));

    AssistantReply fallback = agentReplies.readValue();
    assertThat(fallback.getEventId()).as("the turn's own reply id: a late answer counts for nothing")
        .isEqualTo(Keys.replyId(turn.getEventId(), null));
    assertThat(fallback.getStatus()).isEqualTo(dev.parley.events.ReplyStatus.FALLBACK);
    assertThat(fallback.getText()).isEqualTo(dev.parley.schemas.FallbackReplies.TEXT);
    assertThat(fallback.getMessageIds()).containsExactly("m-1");
    DeadLetter dead = deadLetters.readValue();
    assertThat(dead.getSourceTopic()).isEqualTo(Topics.ENRICHED_TURNS.name());
    assertThat(dead.getReason()).contains("no reply to the turn within 30 s");
    byte[] payload = new byte[dead.getPayload().remaining()];
    dead.getPayload().get(payload);
    assertThat(serdes.valueSerde(Topics.ENRICHED_TURNS).deserializer().deserialize(Topics.ENRICHED_TURNS.name(), payload))
        .as("re-drivable: the turn as it was published").isEqualTo(turn);
    assertThat(failures.readValue().getCause()).contains("TimeoutException");
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertThat(agentReplies.isEmpty()).as("answered once").isTrue();
  }

  @Test
  void shouldAnswerTurnsOverdueTogetherWithFallbacksInTheOrderTheCustomerAsked() {
    String key = Keys.of(TENANT, "conv-1");
    List<String> asked = new java.util.ArrayList<>();
    for (int i = 1; i <= 6; i++) { // formed in the same moment: only their order tells them apart
      inbound.pipeInput(key, message("conv-1", "m-" + i, "Question " + i + "?", null, null));
      asked.add("m-" + i);
    }
    List<EnrichedTurn> turns = enriched.readValuesToList();
    assertThat(turns).hasSize(6);
    replies.pipeInput(key, reply(turns.get(2), "Answered in time.")); // m-3's reply came
    agentReplies.readValuesToList();

    driver.advanceWallClockTime(Duration.ofSeconds(31));

    List<String> fallbacks = agentReplies.readValuesToList().stream().map(reply -> reply.getMessageIds().get(0)).toList();
    assertThat(fallbacks).containsExactly("m-1", "m-2", "m-4", "m-5", "m-6");
  }

  @Test
  void shouldStopWatchingATurnOnceItsReplyComes() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "What APR can I get?", null, null));
    EnrichedTurn turn = enriched.readValue();
    replies.pipeInput(key, reply(turn, "Rates start at 5.9% APR."));
    agentReplies.readValuesToList();

    driver.advanceWallClockTime(Duration.ofMinutes(5));

    assertThat(agentReplies.isEmpty()).isTrue();
    assertThat(output(Topics.DEAD_LETTERS).isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseCommandForUnknownConversation() {
    commands.pipeInput(Keys.of(TENANT, "nope"), command(new ChangeStatus(ConversationStatus.ESCALATED)));

    assertThat(errors.readValue().getCode()).isEqualTo("UNKNOWN_CONVERSATION");
  }

  @Test
  void shouldNotReopenClosedConversation() {
    String key = conversationAt(SalesStage.GREETING);
    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.CLOSED)));
    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.ACTIVE)));

    assertThat(store().get(key).getStatus()).isEqualTo(ConversationStatus.CLOSED);
    assertThat(errors.readValue().getCode()).isEqualTo("CONVERSATION_CLOSED");
  }

  @Test
  void shouldRecordStatusAndCustomerNameFromCommands() {
    String key = conversationAt(SalesStage.GREETING);
    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.ESCALATED)));
    commands.pipeInput(key, command(new SetCustomerName("Maria Lopez")));

    assertThat(store().get(key).getStatus()).isEqualTo(ConversationStatus.ESCALATED);
    assertThat(store().get(key).getCustomerName()).isEqualTo("Maria Lopez");
  }

  @Test
  void shouldKeepTheBotSilentWhileAPersonHasTheConversationAndResumeAfterHandBack() {
    String key = conversationAt(SalesStage.GREETING);
    enriched.readValuesToList();
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));

    inbound.pipeInput(key, message("conv-1", "m-esc", "are you there?", null, null));
    assertThat(enriched.isEmpty()).as("no turn for the bot while escalated").isTrue();
    assertThat(store().get(key).getRecentMessages()).extracting(m -> m.getText()).contains("are you there?");

    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Hi, this is Sam from sales. How can I help?", null, null)));
    AssistantReply agent = agentReplies.readValue();
    assertThat(agent.getText()).isEqualTo("Hi, this is Sam from sales. How can I help?");
    assertThat(agent.getModel().getProvider()).isEqualTo("human");
    assertThat(agent.getAuthor()).isEqualTo(dev.parley.events.ReplyAuthor.AGENT);
    assertThat(agent.getModel().getName()).isEqualTo("agent-7");
    assertThat(store().get(key).getRecentMessages()).extracting(m -> m.getRole()).contains(Role.AGENT);

    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.ACTIVE)));
    inbound.pipeInput(key, message("conv-1", "m-back", "thanks, what about financing?", null, null));
    assertThat(enriched.readValue().getTurn().getMessageIds()).containsExactly("m-back");
  }

  @Test
  void shouldRefuseAgentMessageInConversationThatIsNotEscalated() {
    String key = conversationAt(SalesStage.GREETING);

    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "hello", null, null)));

    assertThat(errors.readValue().getCode()).isEqualTo("NOT_ESCALATED");
    assertThat(agentReplies.isEmpty()).isTrue();
  }

  @Test
  void shouldPublishWhatHappenedToConversationOncePerChangeWithIdsDerivedFromCause() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-1", "hello", "c-1", null));
    ConversationEvent started = events.readValue();
    assertThat(started.getType()).isEqualTo(ConversationEventType.STARTED);
    assertThat(started.getCustomerId()).isEqualTo("c-1");

    inbound.pipeInput(key, message("conv-1", "m-2", "what about financing?", null, null));
    replies.pipeInput(key, reply(enriched.readValuesToList().get(1), "Here are the options."));
    commands.pipeInput(key, command(new ChangeStage(SalesStage.GREETING)));
    assertThat(events.isEmpty()).as("turns, replies and refused commands change nothing worth an event").isTrue();

    ConversationCommand escalate = command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "high", "sales", "sales"));
    commands.pipeInput(key, escalate);
    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Hi, Sam here.", null, null)));
    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.ACTIVE)));
    commands.pipeInput(key, command(new ChangeStage(SalesStage.QUALIFYING)));
    commands.pipeInput(key, command(new dev.parley.events.RecordFeedback(5, true, "great", List.of("speed"))));
    commands.pipeInput(key, command(new ChangeStatus(ConversationStatus.CLOSED)));

    List<ConversationEvent> happened = events.readValuesToList();
    assertThat(happened).extracting(e -> e.getType() + " " + e.getFrom() + "->" + e.getTo()).containsExactly(
        "ESCALATED ACTIVE->ESCALATED", "HANDED_BACK ESCALATED->ACTIVE", "STAGE_CHANGED GREETING->QUALIFYING",
        "FEEDBACK_RECEIVED null->null", "CLOSED ACTIVE->CLOSED");
    ConversationEvent escalated = happened.get(0);
    assertThat(escalated.getEscalation().getTicketId()).isEqualTo("ESC-1");
    assertThat(escalated.getRequestedBy()).isEqualTo("tester");
    assertThat(escalated.getCauseId()).isEqualTo(escalate.getEventId());
    assertThat(escalated.getEventId()).isEqualTo(Keys.derivedId("conversation-event", escalate.getEventId(), "ESCALATED"));
    assertThat(happened.get(3).getFeedback().getRating()).isEqualTo(5);
  }

  @Test
  void shouldRefuseFreeTextToWhatsAppCustomerSilentForMoreThanADayButSendApprovedTemplate() {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, whatsApp("conv-1", "w-1", "is the RAV4 still available?"));
    driver.advanceWallClockTime(Duration.ofSeconds(4));
    replies.pipeInput(key, reply(enriched.readValue(), "Yes, 2 in stock."));
    agentReplies.readValuesToList();
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));
    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Yes, it is!", null, null)));
    assertThat(agentReplies.readValue().getTemplate()).as("within 24 hours: free text").isNull();

    driver.advanceWallClockTime(Duration.ofHours(25));
    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Still interested?", null, null)));
    assertThat(errors.readValue().getCode()).isEqualTo("WHATSAPP_WINDOW_CLOSED");
    assertThat(agentReplies.isEmpty()).isTrue();

    var template = new dev.parley.events.MessageTemplate("tpl-follow-up", List.of("Maria", "RAV4"));
    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Follow-up: Maria, RAV4", template, null)));
    AssistantReply sent = agentReplies.readValue();
    assertThat(sent.getTemplate().getId()).isEqualTo("tpl-follow-up");
    assertThat(sent.getTemplate().getValues()).containsExactly("Maria", "RAV4");
    assertThat(sent.getChannel().getType()).isEqualTo(ChannelType.WHATSAPP);
  }

  @Test
  void shouldLetAgentWriteFreelyOnWebChannelWhateverTheTime() {
    String key = conversationAt(SalesStage.GREETING);
    replies.pipeInput(key, reply(enriched.readValue(), "Hello!"));
    agentReplies.readValuesToList();
    commands.pipeInput(key, command(new dev.parley.events.Escalate("ESC-1", "asked for a person", "normal", "sales", "sales")));
    driver.advanceWallClockTime(Duration.ofDays(3));

    commands.pipeInput(key, command(new dev.parley.events.AgentMessage("agent-7", "Are you still there?", null, null)));

    assertThat(agentReplies.readValue().getText()).isEqualTo("Are you still there?");
  }

  /** A conversation with one turn, moved to the given stage directly in its store. */
  private String conversationAt(SalesStage stage) {
    String key = Keys.of(TENANT, "conv-1");
    inbound.pipeInput(key, message("conv-1", "m-" + UUID.randomUUID(), "hello", null, null));
    ConversationState state = store().get(key);
    state.setStage(stage);
    store().put(key, state);
    return key;
  }

  private org.apache.kafka.streams.state.KeyValueStore<String, ConversationState> store() {
    return driver.getKeyValueStore(ConversationTopology.CONVERSATIONS_STORE);
  }

  private static ConversationCommand command(Object change) {
    return ConversationCommand.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(TENANT)
        .setConversationId("conv-1").setRequestedBy("tester").setChange(change).setCreatedAt(Instant.now()).build();
  }

  private InboundMessage whatsApp(String conversation, String messageId, String text) {
    InboundMessage message = message(conversation, messageId, text, null, null);
    message.setChannel(ChannelInfo.newBuilder().setType(ChannelType.WHATSAPP).setProvider("wazzup").build());
    return message;
  }

  private static AssistantReply reply(EnrichedTurn turn, String text) {
    return AssistantReply.newBuilder()
        .setEventId(Keys.derivedId("reply", turn.getEventId()))
        .setTenantId(turn.getTurn().getTenantId())
        .setConversationId(turn.getTurn().getConversationId())
        .setTurnId(turn.getEventId())
        .setMessageIds(turn.getTurn().getMessageIds())
        .setChannel(turn.getTurn().getChannel())
        .setText(text)
        .setIntent(new Intent("financing", 0.9))
        .setModel(new ModelInfo("test", "test", true))
        .setUsage(new TokenUsage(1, 1, true, 0.0))
        .setProcessingTimeMs(5)
        .setCreatedAt(Instant.now())
        .build();
  }

  private <V extends SpecificRecord> TestInputTopic<String, V> input(Topic<V> topic) {
    return driver.createInputTopic(topic.name(), Serdes.String().serializer(), serdes.valueSerde(topic).serializer());
  }

  private <V extends SpecificRecord> TestOutputTopic<String, V> output(Topic<V> topic) {
    return driver.createOutputTopic(topic.name(), Serdes.String().deserializer(), serdes.valueSerde(topic).deserializer());
  }
}
