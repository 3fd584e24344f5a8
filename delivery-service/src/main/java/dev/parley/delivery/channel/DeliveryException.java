package dev.parley.delivery.channel;

/** A failed send, and whether it is worth trying again (timeouts, 429, 5xx) or not (4xx, bad data). */
public final class DeliveryException extends RuntimeException {

  private final boolean retriable;

  public DeliveryException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }

  /** The usual rule for HTTP answers. */
  public static boolean retriableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }
}
