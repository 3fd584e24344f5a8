package dev.parley.context;

import dev.parley.schemas.auth.ServiceIdentity;
import java.net.URI;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Answers a query about one key of a {@link SideStreams} store where the key lives: from this
 * instance's store when it holds the key, else by forwarding the request once to the instance that
 * does, marked so that it is never forwarded again. A forwarded request that finds the key moved on
 * (a rebalance in between) is a 503 to retry, never another instance's empty answer.
 */
@Component
public class AtOwner {

  /** Marks a request one instance forwarded to the one it found holding the key. */
  public static final String FORWARDED = "Parley-Forwarded";

  /** The largest answer forwarded (a long conversation's transcript). */
  private static final int ANSWER_BYTES = 32 * 1024 * 1024;

  private final WebClient http;

  AtOwner(WebClient.Builder http, ServiceIdentity identity) {
    // Forwarded queries go to another instance's internal API: they carry this service's identity.
    this.http = http.clone().filter(identity.authenticate())
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(ANSWER_BYTES)).build();
  }

  /**
   * @param streams the application holding the store; null when it is switched off on this instance
   * @param what    what the store holds, for the 503's message ("the tenant's analytics windows")
   * @param owner   the instance holding the key (store metadata)
   * @param request the request to forward when another instance holds the key
   * @param body    its body, or null
   * @param local   the answer from this instance's store
   */
  public Mono<Object> answer(SideStreams streams, String what, Callable<HostInfo> owner, ServerHttpRequest request, Object body,
      Callable<Object> local) {
    if (streams == null) {
      return Mono.error(unavailable(what + " are switched off on this instance"));
    }
    return Mono.fromCallable(() -> {
          if (!streams.ready()) {
            throw unavailable(what + " are rebalancing; retry shortly");
          }
          return owner.call();
        })
        .subscribeOn(Schedulers.boundedElastic()) // store metadata and RocksDB reads block
        .flatMap(host -> {
          if (streams.isSelf(host)) {
            return Mono.fromCallable(local).subscribeOn(Schedulers.boundedElastic());
          }
          if (request.getHeaders().containsHeader(FORWARDED) || HostInfo.unavailable().equals(host)) {
            return Mono.error(unavailable(what + " are moving between instances; retry shortly"));
          }
          return forward(host, request, body, what);
        })
        .switchIfEmpty(Mono.error(() -> unavailable("no instance holds " + what + " yet; retry shortly")));
  }

  private Mono<Object> forward(HostInfo owner, ServerHttpRequest request, Object body, String what) {
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.getURI().getRawPath()
        + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
    var call = http.method(request.getMethod()).uri(uri).header(FORWARDED, "true");
    return (body == null ? call : call.bodyValue(body)).retrieve().bodyToMono(JsonNode.class).<Object>map(json -> json)
        .onErrorMap(e -> e instanceof WebClientResponseException answer && answer.getStatusCode().is4xxClientError()
            ? new ResponseStatusException(answer.getStatusCode(), detail(answer), e)
            : new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "the instance holding " + what + " cannot answer right now; retry", e));
  }

  private static ResponseStatusException unavailable(String why) {
    return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, why);
  }

  private static String detail(WebClientResponseException answer) {
    ProblemDetail problem = answer.getResponseBodyAs(ProblemDetail.class);
    return problem != null && problem.getDetail() != null ? problem.getDetail() : answer.getStatusText();
  }
}
