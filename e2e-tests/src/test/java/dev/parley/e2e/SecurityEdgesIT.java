package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.devstack.SampleData;
import dev.parley.events.AuditOutcome;
import dev.parley.events.SecurityAuditEvent;
import dev.parley.schemas.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The edges of trust beyond the role matrix: tokens that are not quite right, browsers on websites
 * a tenant does not list, webhook URLs that lead inside, secrets shown once, and the security audit
 * trail of all of it.
 */
class SecurityEdgesIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void shouldRefuseTokensWithoutExpiryFromAnotherIssuerOrForAnotherAudienceOrNotYetValid() {
    var stack = Pipeline.stack();
    Instant now = Instant.now();
    List<String> wrong = List.of(
        stack.tokens().mint(claims -> claims.subject("c-1001").claim("tenant", SampleData.TENANT).issuedAt(now)),
        stack.tokens().mint(claims -> claims.issuer("someone-else").subject("c-1001").claim("tenant", SampleData.TENANT)
            .issuedAt(now).expiresAt(now.plusSeconds(600))),
        stack.tokens().mint(claims -> claims.audience(List.of("another-api")).subject("c-1001").claim("tenant", SampleData.TENANT)
            .issuedAt(now).expiresAt(now.plusSeconds(600))),
        stack.tokens().mint(claims -> claims.subject("c-1001").claim("tenant", SampleData.TENANT).issuedAt(now)
            .notBefore(now.plusSeconds(600)).expiresAt(now.plusSeconds(1200))),
        stack.serviceToken());

    for (String token : wrong) {
      var response = new Client(stack.ingressUrl(), token).chat("{\"message\":\"hi\"}");
      assertThat(response.status()).as(response.raw()).isEqualTo(401);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
  }

  @Test
  void shouldLetBrowsersCallOnlyFromTheWebsitesTheCallersTenantLists() throws Exception {
    var stack = Pipeline.stack();
    HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(stack.ingressUrl().resolve("/ai/chat"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", Pipeline.WIDGET_ORIGIN)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization,content-type")
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> foreignPreflight = HTTP.send(HttpRequest.newBuilder(stack.ingressUrl().resolve("/ai/chat"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> fromItsSite = chatFrom(Pipeline.WIDGET_ORIGIN,
        stack.tokens().mint(Pipeline.WIDGET_TENANT, "shopper-1", Duration.ofHours(1)));
    HttpResponse<String> anotherTenantsCustomerThere = chatFrom(Pipeline.WIDGET_ORIGIN,
        stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(1)));

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(Pipeline.WIDGET_ORIGIN);
    assertThat(foreignPreflight.statusCode()).isEqualTo(403);
    assertThat(fromItsSite.statusCode()).as(fromItsSite.body()).isEqualTo(202);
    assertThat(fromItsSite.headers().firstValue("Access-Control-Allow-Origin")).hasValue(Pipeline.WIDGET_ORIGIN);
    assertThat(anotherTenantsCustomerThere.statusCode()).isEqualTo(403);
    assertThat(anotherTenantsCustomerThere.body()).contains("may not call the API for this business");
  }

  @Test
  void shouldRefuseWebhookUrlsThatLeadInsideAndShowASecretOnlyOnce() {
    var stack = Pipeline.stack();
    String tenant = "edges-" + UUID.randomUUID().toString().substring(0, 8);
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(tenant, "admin-1", Duration.ofHours(1)));

    for (String inside : List.of("https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/hook", "https://192.168.1.10/hook",
        "https://[::ffff:169.254.169.254]/hook", "https://0.0.0.0/hook")) {
      var refused = admin.post("/ai/webhooks", "{\"url\":\"" + inside + "\"}");
      assertThat(refused.status()).as(inside + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.isProblem()).isTrue();
    }
    var created = admin.post("/ai/webhooks", "{\"url\":\"https://crm.example.com/" + tenant + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String secret = created.json().get("secret").asString();
    var listed = admin.get("/ai/webhooks");

    assertThat(listed.body()).doesNotContain(secret);
    assertThat(listed.json().get(0).get("secretHint").asString()).isEqualTo("whsec_…" + secret.substring(secret.length() - 4));
  }

  @Test
  void shouldAuditDeniedAccessSecurityChangesAndRoleChanges() {
    var stack = Pipeline.stack();
    String tenant = "audited-" + UUID.randomUUID().toString().substring(0, 8);
    var owner = new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "cust-1", Duration.ofHours(1)));
    var snoop = new Client(stack.ingressUrl(), stack.tokens().mint(tenant, "cust-2", Duration.ofHours(1)));
    var admin = new Client(stack.ingressUrl(), stack.tokens().mintAdmin(tenant, "boss", Duration.ofHours(1)));
    String conversation = "audited-" + UUID.randomUUID();
    assertThat(owner.chat("{\"message\":\"hello\",\"conversationId\":\"" + conversation + "\"}").status()).isEqualTo(200);

    assertThat(snoop.get("/ai/conversations/" + conversation).status()).isEqualTo(404);
    assertThat(snoop.post("/ai/knowledge-base/documents", "{\"title\":\"x\",\"text\":\"y\"}").status()).isEqualTo(403);
    var hook = admin.post("/ai/webhooks", "{\"url\":\"https://crm.example.com/" + tenant + "\"}");
    assertThat(admin.delete("/ai/webhooks/" + hook.json().get("id").asString()).status()).isEqualTo(204);
    var promoted = new Client(stack.ingressUrl(), stack.tokens().mintAgent(tenant, "cust-2", Duration.ofHours(1)));
    assertThat(promoted.get("/ai/leads").status()).isEqualTo(200);

    List<SecurityAuditEvent> trail = TopicReader.read(Topics.SECURITY_AUDIT, e -> tenant.equals(e.getTenantId()),
        found -> found.stream().anyMatch(e -> e.getAction().equals("role.changed")), WAIT);
    assertThat(trail).anySatisfy(e -> {
      assertThat(e.getAction()).isEqualTo("conversation.access");
      assertThat(e.getOutcome()).isEqualTo(AuditOutcome.DENIED);
      assertThat(e.getActor()).isEqualTo("cust-2");
      assertThat(e.getResource()).contains(conversation);
    });
    assertThat(trail).anySatisfy(e -> {
      assertThat(e.getResource()).isEqualTo("POST /ai/knowledge-base/documents");
      assertThat(e.getStatus()).isEqualTo(403);
      assertThat(e.getActorRole()).isEqualTo("customer");
    });
    assertThat(trail).extracting(SecurityAuditEvent::getAction).contains("webhook.register", "webhook.delete", "role.changed");
    assertThat(trail).filteredOn(e -> e.getAction().equals("role.changed")).singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo("was customer, now agent"));
    assertThat(trail.toString()).as("never message text").doesNotContain("hello");
  }

  private static HttpResponse<String> chatFrom(String origin, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(Pipeline.stack().ingressUrl().resolve("/ai/chat"))
        .header("Origin", origin).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
