package dev.parley.ingress.conversation;

import dev.parley.ingress.validation.CleanText;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code PATCH /ai/conversations/{id}}: any of the three changes, at least one.
 *
 * @param status       ACTIVE, ESCALATED or CLOSED
 * @param stage        a sales stage: greeting, qualifying, needs_analysis, solution, company_details, quoting, closing
 * @param customerName the customer's name
 */
public record ConversationPatch(
    @Pattern(regexp = "(?i)ACTIVE|ESCALATED|CLOSED", message = "status must be ACTIVE, ESCALATED or CLOSED") String status,
    @Pattern(regexp = "(?i)GREETING|QUALIFYING|NEEDS_ANALYSIS|SOLUTION|COMPANY_DETAILS|QUOTING|CLOSING",
        message = "stage must be one of greeting, qualifying, needs_analysis, solution, company_details, quoting, closing")
    String stage,
    @Size(min = 1, max = 200, message = "customerName must be 1 to 200 characters")
    @CleanText(message = "customerName must not contain control characters or invalid Unicode") String customerName) {

  @AssertTrue(message = "give at least one of status, stage, customerName")
  boolean isAnyChange() {
    return status != null || stage != null || customerName != null;
  }
}
