package dev.parley.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.parley.llm.answer.StreamingAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

  private static final String SYSTEM = """
      You are Parley.
      Knowledge:
      [1] Sales tax: In Texas the motor vehicle sales tax is 6.25% of the sales price. Florida charges 6%.
      [2] Hours: The showroom opens at 9 am.""";

  @Test
  void shouldAnswerWithBestMatchingSentencesAndCiteThem() {
    String answer = OfflineChatModel.answer(List.of(SystemMessage.from(SYSTEM),
        UserMessage.from("What is the vehicle sales tax in Texas?")));

    assertThat(answer).contains("6.25% of the sales price").contains("[1]")
        .doesNotContain("showroom").doesNotContain("Florida");
  }

  @Test
  void shouldNotRepeatSentenceThatOverlappingChunksShare() {
    String system = """
        Knowledge:
        [1] Financing: Loans run 24 to 84 months. The APR depends on the credit score.
        [2] Financing: The APR depends on the credit score. Pre-approval takes 15 minutes.""";

    String answer = OfflineChatModel.answer(List.of(SystemMessage.from(system), UserMessage.from("what does the APR depend on?")));

    assertThat(answer.split("The APR depends on the credit score", -1)).hasSize(2);
  }

  @Test
  void shouldSayItDoesNotKnowWhenNoPassageMatches() {
    String answer = OfflineChatModel.answer(List.of(SystemMessage.from(SYSTEM), UserMessage.from("Do you sell boats?")));

    assertThat(answer).contains("don't have information");
  }

  @Test
  void shouldStreamPiecesThatMakeUpTheWholeAnswerAndEstimateTokens() {
    List<String> pieces = new ArrayList<>();
    CompletableFuture<ChatResponse> done = StreamingAnswer.stream(new OfflineChatModel(), ChatRequest.builder()
        .messages(SystemMessage.from(SYSTEM), UserMessage.from("When does the showroom open?")).build(), pieces::add);

    ChatResponse response = done.join();
    assertThat(pieces).hasSizeGreaterThan(1);
    assertThat(String.join("", pieces)).isEqualTo(response.aiMessage().text());
    assertThat(response.modelName()).isEqualTo(OfflineChatModel.NAME);
    assertThat(response.tokenUsage().inputTokenCount()).isPositive();
  }
}
