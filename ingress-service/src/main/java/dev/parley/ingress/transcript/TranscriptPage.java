package dev.parley.ingress.transcript;

import java.util.ArrayList;
import java.util.List;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A transcript as a printable HTML page (for the operator console's "print" and for audits): one
 * row per event with its time, its kind and a line saying what happened; the full event behind a
 * "details" toggle that prints open. Self-contained: no script, no outside styles.
 */
final class TranscriptPage {

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111}
      h1{font-size:1.3rem;margin:0 0 .2rem}p.meta{color:#555;margin:0 0 1rem}
      table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}
      td.at{white-space:nowrap;color:#555;font-variant-numeric:tabular-nums}td.kind{white-space:nowrap;font-weight:600}
      tr.message td.kind{color:#0b5394}tr.reply td.kind{color:#38761d}tr.reply-failure td.kind,tr.command-refused td.kind{color:#a61c00}
      pre{white-space:pre-wrap;font-size:12px;margin:.3rem 0 0;background:#f6f6f6;padding:.4rem}
      @media print{details{display:block}details>summary{list-style:none}body{margin:0}}
      """;

  static String render(JsonNode transcript, boolean staff) {
    StringBuilder html = new StringBuilder(4096 + transcript.path("events").size() * 300);
    String id = escape(transcript.path("conversationId").asString());
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Transcript ").append(id)
        .append("</title><style>").append(STYLE).append("</style></head><body>")
        .append("<h1>Conversation ").append(id).append("</h1><p class=\"meta\">")
        .append(transcript.path("events").size()).append(" events");
    if (transcript.path("missing").asLong() > 0) {
      html.append(", ").append(transcript.path("missing").asLong()).append(" no longer kept");
    }
    html.append("</p><table><thead><tr><th>Time (UTC)</th><th>What</th><th>Detail</th></tr></thead><tbody>");
    for (JsonNode entry : transcript.path("events")) {
      String kind = entry.path("kind").asString();
      html.append("<tr class=\"").append(escape(kind)).append("\"><td class=\"at\">")
          .append(escape(entry.path("at").asString().replace('T', ' ').replace("Z", ""))).append("</td><td class=\"kind\">")
          .append(escape(kind.replace('-', ' '))).append("</td><td>").append(escape(summary(kind, entry.path("event"))));
      if (staff) {
        html.append("<details><summary>event</summary><pre>").append(escape(entry.path("event").toPrettyString())).append("</pre></details>");
      }
      html.append("</td></tr>");
    }
    return html.append("</tbody></table></body></html>").toString();
  }

  /** One line saying what the event was. */
  static String summary(String kind, JsonNode event) {
    return switch (kind) {
      case "message" -> quote(event.path("text")) + via(event.path("channel").path("type"));
      case "turn" -> "turn of " + event.path("messageIds").size() + " message(s): " + join(event.path("messageIds"));
      case "enrichment" -> join(List.of(
          field("stage", event.path("salesStage")), field("intent", event.path("intent").path("name")),
          field("confidence", event.path("intent").path("confidence")), field("sentiment", event.path("analysis").path("sentiment")),
          field("language", event.path("language")), field("customer", event.path("customer").path("customerId")),
          field("deal", event.path("deal").path("dealId"))));
      case "tool-call" -> event.path("tool").asString() + "(" + event.path("arguments").asString() + ") → "
          + event.path("status").asString() + " in " + event.path("latencyMs").asLong() + " ms"
          + (event.hasNonNull("output") ? ": " + event.path("output").asString() : "")
          + (event.hasNonNull("error") ? ": " + event.path("error").asString() : "");
      case "reply" -> (event.path("author").asString().equals("AGENT") ? "agent: " : "") + quote(event.path("text"))
          + (event.has("model") ? " — " + join(List.of(field("model", event.path("model").path("name")),
              field("tokens", tokens(event.path("usage"))), field("cost $", event.path("usage").path("costUsd")),
              field("sources", JsonNodeFactory.instance.textNode(joinDocuments(event.path("sources")))))) : "");
      case "reply-failure" -> "no answer: " + event.path("cause").asString() + " after " + event.path("attempts").asInt() + " attempt(s)";
      case "delivery" -> event.path("channel").asString() + " " + event.path("status").asString() + ", attempt "
          + event.path("attempt").asInt() + (event.hasNonNull("detail") ? ": " + event.path("detail").asString() : "");
      case "command" -> event.path("change").path("@type").asString() + field(" by", event.path("requestedBy"))
          + (event.path("change").hasNonNull("text") ? ": " + quote(event.path("change").path("text")) : "");
      case "command-outcome" -> event.path("verdict").asString() + field(":", event.path("code")) + field("", event.path("message"));
      case "command-refused" -> "refused " + event.path("code").asString() + ": " + event.path("message").asString();
      case "conversation-event" -> event.path("type").asString()
          + (event.hasNonNull("from") || event.hasNonNull("to") ? " " + event.path("from").asString("") + " → " + event.path("to").asString("") : "")
          + (event.path("escalation").has("ticketId") ? " ticket " + event.path("escalation").path("ticketId").asString() : "")
          + (event.hasNonNull("feedback") ? " " + event.get("feedback") : "");
      default -> event.toString();
    };
  }

  private static JsonNode tokens(JsonNode usage) {
    return usage.isMissingNode() ? usage
        : JsonNodeFactory.instance.numberNode(usage.path("inputTokens").asLong() + usage.path("outputTokens").asLong());
  }

  private static String quote(JsonNode text) {
    return "“" + text.asString() + "”";
  }

  private static String via(JsonNode channel) {
    return channel.isMissingNode() || channel.isNull() ? "" : " (" + channel.asString() + ")";
  }

  private static String field(String name, JsonNode value) {
    return value.isMissingNode() || value.isNull() || value.asString().isEmpty() ? "" : name + " " + value.asString();
  }

  private static String join(JsonNode values) {
    List<String> all = new ArrayList<>();
    values.forEach(value -> all.add(value.asString()));
    return String.join(", ", all);
  }

  private static String joinDocuments(JsonNode sources) {
    List<String> all = new ArrayList<>();
    sources.forEach(source -> all.add(source.path("documentId").asString() + " (" + source.path("score").asString() + ")"));
    return String.join(" ", all);
  }

  private static String join(List<String> parts) {
    return String.join(", ", parts.stream().filter(part -> !part.isEmpty()).toList());
  }

  private static String escape(String text) {
    return HtmlUtils.htmlEscape(text, "UTF-8"); // markup characters only: the page is UTF-8
  }

  private TranscriptPage() {
  }
}
