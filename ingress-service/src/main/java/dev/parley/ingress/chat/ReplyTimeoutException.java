package dev.parley.ingress.chat;

import java.net.URI;
import java.time.Duration;

/** The message was accepted but its reply did not come in time; the client can follow the stream. */
class ReplyTimeoutException extends RuntimeException {

  final URI stream;

  ReplyTimeoutException(Duration timeout, URI stream) {
    super("The message was accepted, but the assistant did not answer within " + timeout.toSeconds()
        + " s. Follow " + stream + " for the reply.");
    this.stream = stream;
  }
}
