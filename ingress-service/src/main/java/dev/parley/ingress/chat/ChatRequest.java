package dev.parley.ingress.chat;

import dev.parley.ingress.validation.CleanText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code POST /ai/chat}. Only {@code message} is required.
 *
 * @param message        what the customer wrote, at most {@value #MAX_MESSAGE} characters
 * @param conversationId the conversation to continue; a new one is made when absent
 * @param messageId      idempotency key: the same id sent twice yields one reply
 * @param dealId         CRM deal the message is about
 * @param customerId     CRM id of the customer writing
 * @param channel        where the message comes from
 */
public record ChatRequest(
    @NotBlank(message = "message is required and must not be blank")
    @Size(max = ChatRequest.MAX_MESSAGE, message = "message must be at most {max} characters")
    @CleanText(message = "message must not contain control characters or invalid Unicode")
    String message,
    @Pattern(regexp = ID, message = ID_RULE) String conversationId,
    @Pattern(regexp = ID, message = ID_RULE) String messageId,
    @Pattern(regexp = ID, message = ID_RULE) String dealId,
    @Pattern(regexp = ID, message = ID_RULE) String customerId,
    @Valid Channel channel) {

  public static final int MAX_MESSAGE = 4000;
  static final String ID = "[A-Za-z0-9._:-]{1,128}";
  static final String ID_RULE = "must be 1 to 128 letters, digits or . _ : -";

  /**
   * Channel metadata.
   *
   * @param type     WEB or API (the default); WhatsApp and webhooks arrive through their own endpoints
   * @param metadata free-form client details (page, locale); never shown to the model
   */
  public record Channel(
      @Pattern(regexp = "WEB|API", message = "channel.type must be WEB or API") String type,
      @Size(max = 20, message = "channel.metadata may hold at most {max} entries")
      Map<@Size(max = 64) @CleanText String, @Size(max = 512) @CleanText String> metadata) {
  }
}
