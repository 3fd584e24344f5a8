package dev.parley.ingress.chat;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.beans.TypeMismatchException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error as application/problem+json that says what is wrong, never a stack trace. Request
 * errors are found before anything is published, so a rejected request publishes nothing.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  @Override
  protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
      HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
    List<String> errors = ex.getFieldErrors().stream()
        .map(error -> error.getField() + ": " + error.getDefaultMessage()).sorted().toList();
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
        ex.getFieldErrors().stream().map(FieldError::getDefaultMessage).sorted().collect(Collectors.joining("; ")));
    problem.setTitle("Invalid request");
    problem.setProperty("errors", errors);
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
      HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
        ex.getAllErrors().stream().map(e -> e.getDefaultMessage()).collect(Collectors.joining("; ")));
    problem.setTitle("Invalid request");
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
      HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
    if (tooLarge(ex)) {
      return Mono.just(tooLarge());
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(ex));
    problem.setTitle(parameterMismatch(ex) != null ? "Invalid request" : "Unreadable request body");
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
  }

  /** A body over the limit ({@code spring.http.codecs.max-in-memory-size}) is never read whole. */
  @ExceptionHandler
  ResponseEntity<Object> bodyTooLarge(DataBufferLimitException ex) {
    return tooLarge();
  }

  private static ResponseEntity<Object> tooLarge() {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
        "The request body is larger than this endpoint accepts.");
    problem.setTitle("Request body too large");
    return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static boolean tooLarge(Throwable ex) {
    for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataBufferLimitException) {
        return true;
      }
    }
    return false;
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> notAccepted(ChatPublisher.MessageNotAcceptedException ex) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
        "The message could not be accepted right now; retry with the same messageId.");
    problem.setTitle("Message not accepted");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "2").body(problem);
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> replyTimeout(ReplyTimeoutException ex) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT, ex.getMessage());
    problem.setTitle("Reply not ready");
    problem.setProperty("stream", ex.stream.toString());
    return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).location(ex.stream).body(problem);
  }

  /** Says which field or which part of the JSON is wrong, without echoing the body back. */
  static String describe(ServerWebInputException ex) {
    TypeMismatchException parameter = parameterMismatch(ex);
    if (parameter != null) {
      return "parameter '" + parameter.getPropertyName() + "' must be " + parameterType(parameter.getRequiredType());
    }
    for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnrecognizedPropertyException unknown) {
        return "unknown field '" + unknown.getPropertyName() + "'";
      }
      if (cause instanceof MismatchedInputException mismatch) {
        return "field '" + path(mismatch) + "' has the wrong type"
            + (mismatch.getTargetType() != null ? ": expected " + typeName(mismatch.getTargetType()) : "");
      }
      if (cause instanceof StreamReadException malformed) {
        return "malformed JSON" + (malformed.getLocation() != null
            ? " at line " + malformed.getLocation().getLineNr() + ", column " + malformed.getLocation().getColumnNr() : "");
      }
    }
    return ex.getReason() != null ? ex.getReason() : "the request body could not be read";
  }

  /** A query or path parameter that did not convert to its type ("from=yesterday"), or null. */
  private static TypeMismatchException parameterMismatch(ServerWebInputException ex) {
    return ex.getMethodParameter() != null && ex.getCause() instanceof TypeMismatchException mismatch
        && mismatch.getPropertyName() != null ? mismatch : null;
  }

  private static String parameterType(Class<?> type) {
    if (type == java.time.Instant.class) {
      return "an ISO-8601 instant such as 2026-12-01T00:00:00Z";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    return type == null ? "of another type" : "a " + type.getSimpleName();
  }

  private static String path(JacksonException e) {
    return e.getPath().stream()
        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String typeName(Class<?> type) {
    return type == String.class ? "a string" : type.isRecord() ? "an object" : type.getSimpleName();
  }
}
