package dev.parley.llm.answer;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** LangChain4j's streaming callbacks as a future of the complete response, with each piece handed on as it comes. */
public final class StreamingAnswer {

  private StreamingAnswer() {
  }

  public static CompletableFuture<ChatResponse> stream(StreamingChatModel model, ChatRequest request, Consumer<String> onPiece) {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(request, new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String piece) {
        onPiece.accept(piece);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    return done;
  }
}
