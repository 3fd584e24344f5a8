package dev.parley.schemas;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Registers the value schema of each topic a service writes and puts a BACKWARD compatibility
 * rule on it, through the registry's v2 REST API. Idempotent: services run it at every start.
 *
 * <p>With the rule in place, a schema change that could not read data written with the previous
 * schema is refused by the registry, so a deploy cannot break the consumers of a topic.
 *
 * <p>Transient failures (the registry unreachable or answering 5xx, as when several services
 * start together against a registry that is itself starting) are retried with exponential
 * backoff and jitter for about half a minute; a 4xx fails at once.
 */
public final class SchemaRegistrySetup {

  private static final String GROUP = "default";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI registry;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final Retry retry = Retry.of("schema-registry", RetryConfig.custom()
      .maxAttempts(10)
      .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(5)))
      .retryExceptions(TransientRegistryException.class)
      .build());

  /** The registry could not answer now; the same call may succeed later. */
  static final class TransientRegistryException extends RuntimeException {
    TransientRegistryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** @param registryApiUrl the registry's v2 API root, for example {@code http://localhost:8085/apis/registry/v2} */
  public SchemaRegistrySetup(String registryApiUrl) {
    this.registry = URI.create(registryApiUrl.endsWith("/") ? registryApiUrl : registryApiUrl + "/");
  }

  /** Registers the schemas of these topics and makes their compatibility BACKWARD. */
  public void ensure(Collection<Topic<?>> topics) {
    for (Topic<?> topic : topics) {
      Schema schema = SpecificData.get().getSchema(topic.valueType());
      String artifact = "groups/" + GROUP + "/artifacts/" + topic.valueArtifactId();
      send(HttpRequest.newBuilder(registry.resolve("groups/" + GROUP + "/artifacts?ifExists=RETURN_OR_UPDATE"))
              .header("Content-Type", "application/json")
              .header("X-Registry-ArtifactId", topic.valueArtifactId())
              .header("X-Registry-ArtifactType", "AVRO")
              .POST(HttpRequest.BodyPublishers.ofString(schema.toString())), 200);
      String rule = "{\"type\":\"COMPATIBILITY\",\"config\":\"BACKWARD\"}";
      int status = send(HttpRequest.newBuilder(registry.resolve(artifact + "/rules"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(rule)), 204, 409);
      if (status == 409) { // the rule exists: make sure it says BACKWARD
        send(HttpRequest.newBuilder(registry.resolve(artifact + "/rules/COMPATIBILITY"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(rule)), 200);
      }
    }
  }

  private int send(HttpRequest.Builder request, int... accepted) {
    HttpRequest built = request.timeout(TIMEOUT).build();
    return retry.executeSupplier(() -> sendOnce(built, accepted));
  }

  private int sendOnce(HttpRequest request, int... accepted) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString());
      for (int ok : accepted) {
        if (response.statusCode() == ok) {
          return ok;
        }
      }
      String failure = "schema registry answered " + response.statusCode()
          + " to " + request.method() + " " + request.uri() + ": " + response.body();
      if (response.statusCode() >= 500) {
        throw new TransientRegistryException(failure, null);
      }
      throw new IllegalStateException(failure);
    } catch (IOException e) {
      throw new TransientRegistryException("schema registry unreachable at " + registry, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the schema registry", e);
    }
  }
}
