package dev.parley.schemas;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Registers the value schema of each topic a service writes and puts a BACKWARD compatibility
 * rule on it, through the registry's v2 REST API. Idempotent: services run it at every start.
 *
 * <p>With the rule in place, a schema change that could not read data written with the previous
 * schema is refused by the registry, so a deploy cannot break the consumers of a topic.
 */
public final class SchemaRegistrySetup {

  private static final String GROUP = "default";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI registry;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

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
    try {
      HttpResponse<String> response =
          http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
      for (int ok : accepted) {
        if (response.statusCode() == ok) {
          return ok;
        }
      }
      throw new IllegalStateException("schema registry answered " + response.statusCode()
          + " to " + response.request().method() + " " + response.request().uri() + ": " + response.body());
    } catch (IOException e) {
      throw new IllegalStateException("schema registry unreachable at " + registry, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the schema registry", e);
    }
  }
}
