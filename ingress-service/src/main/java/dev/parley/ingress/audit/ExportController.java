package dev.parley.ingress.audit;

import dev.parley.ingress.security.Caller;
import dev.parley.ingress.security.SecurityAudit;
import dev.parley.schemas.audit.AvroJson;
import dev.parley.schemas.audit.ConversationLogReader;
import dev.parley.schemas.audit.LogPosition;
import dev.parley.schemas.audit.LogRecord;
import java.time.Clock;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /ai/admin/export?from=&to=&after=} (admins): the tenant's conversation log in a time
 * range as NDJSON, streamed as it is read — one event per line, each with its {@code position}. A
 * client that lost the stream asks again with {@code after} set to the last position it received and
 * gets exactly the lines that followed.
 */
@RestController
class ExportController {

  private final ConversationLogReader log;
  private final AuditConfiguration.LogDecoder decoder;
  private final SecurityAudit audit;
  private final Clock clock = Clock.systemUTC();

  ExportController(ConversationLogReader log, AuditConfiguration.LogDecoder decoder, SecurityAudit audit) {
    this.log = log;
    this.decoder = decoder;
    this.audit = audit;
  }

  @GetMapping(path = "/ai/admin/export", produces = MediaType.APPLICATION_NDJSON_VALUE)
  Flux<String> export(@AuthenticationPrincipal Jwt jwt, @RequestParam Instant from, @RequestParam(required = false) Instant to,
      @RequestParam(required = false) String after) {
    Caller caller = Caller.of(jwt);
    LogRange range = LogRange.of(from, to, after, clock);
    audit.done(caller, "log.export", "conversation log " + range);
    return Flux.using(() -> log.read(caller.tenantId(), range.from(), range.to(), range.after()),
            records -> Flux.fromStream(records.map(this::line)), java.util.stream.Stream::close)
        .subscribeOn(Schedulers.boundedElastic()); // the broker is read with a blocking client
  }

  private String line(LogRecord record) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("position", record.position().toString());
    line.put("at", record.timestamp().toString());
    line.put("kind", record.source().kind());
    line.put("conversationId", record.key().substring(record.key().indexOf(':') + 1));
    line.set("event", AvroJson.of(decoder.decode(record.position().topic(), record.value())));
    return line + "\n";
  }

  /** A time range of the log and where in it to resume; refused with a 400 that says why. */
  record LogRange(Instant from, Instant to, LogPosition after) {

    static LogRange of(Instant from, Instant to, String after, Clock clock) {
      Instant end = to != null ? to : clock.instant();
      if (!from.isBefore(end)) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "from must be before to");
      }
      try {
        return new LogRange(from, end, after == null || after.isBlank() ? null : LogPosition.parse(after));
      } catch (IllegalArgumentException e) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "after: " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return from + ".." + to + (after == null ? "" : " after " + after);
    }
  }
}
