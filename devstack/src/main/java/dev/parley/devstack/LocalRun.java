package dev.parley.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command local run: an embedded KRaft broker, the schema registry and the four services,
 * with the sample dealership loaded. Prints a development token and a curl line, then runs until
 * Ctrl-C, which stops every process it started.
 *
 * <p>Set PARLEY_MODEL_BASE_URL (and PARLEY_MODEL_API_KEY, PARLEY_MODEL_NAME) to answer with a real
 * OpenAI-compatible model instead of the offline one.
 */
public final class LocalRun {

  private LocalRun() {
  }

  public static void main(String[] args) throws InterruptedException {
    long started = System.nanoTime();
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    int port = Integer.parseInt(System.getenv().getOrDefault("PARLEY_INGRESS_PORT", "8080"));
    Map<String, String> model = new HashMap<>();
    for (String name : new String[] {"PARLEY_MODEL_BASE_URL", "PARLEY_MODEL_API_KEY", "PARLEY_MODEL_NAME"}) {
      if (System.getenv(name) != null) {
        model.put(name, System.getenv(name));
      }
    }
    System.out.println("Starting Parley: embedded Kafka broker, schema registry, four services ...");
    EmbeddedKraftBroker broker = new EmbeddedKraftBroker();
    LocalWhatsAppProvider whatsApp = new LocalWhatsAppProvider();
    String whatsAppSecret = java.util.UUID.randomUUID().toString();
    Map<String, Map<String, String>> env = Map.of(
        "llm-service", model,
        "delivery-service", Map.of("PARLEY_WAZZUP_API_URL", whatsApp.url().toString(), "PARLEY_WAZZUP_API_KEY", "local"),
        "ingress-service", Map.of("SPRING_APPLICATION_JSON", "{\"parley\":{\"channels\":{\"wazzup\":{\"acme-wa\":{\"tenant\":\""
            + SampleData.TENANT + "\",\"secret\":\"" + whatsAppSecret + "\"}}}}}"));
    Stack stack;
    try {
      stack = Stack.start(broker, new Stack.Options(root, root.resolve(".parley"), port, "parley", env));
    } catch (RuntimeException e) {
      whatsApp.close();
      broker.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping Parley ...");
      stack.close();
      whatsApp.close();
      broker.close();
      System.out.println("Stopped.");
      stopped.countDown();
    }, "parley-shutdown"));

    // One token per role of the sample tenant: a customer (Maria Lopez, CRM id c-1001, whose deal
    // is d-2001), a sales agent and the dealership's admin.
    String token = stack.tokens().mint(SampleData.TENANT, "c-1001", Duration.ofHours(12));
    String agentToken = stack.tokens().mintAgent(SampleData.TENANT, "agent-sam", Duration.ofHours(12));
    String adminToken = stack.tokens().mintAdmin(SampleData.TENANT, "admin-alex", Duration.ofHours(12));
    System.out.printf("""

        Parley is running (started in %.1f s). Sample tenant: %s (Acme Motors dealership).
          ingress   %s
          Kafka     %s
          registry  %s
          logs      %s

        Development tokens (tenant %s, 12 h), one per role:
          export TOKEN=%s        # customer c-1001 (Maria Lopez)
          export AGENT_TOKEN=%s  # sales agent: every conversation, profiles, leads; writes to customers
          export ADMIN_TOKEN=%s  # admin: also the knowledge base, webhooks, failed deliveries

        Ask something (as the customer; the deal is hers):
          curl -s %s/ai/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"message":"How much sales tax will I pay in Texas with a trade-in?","dealId":"d-2001"}'

        Stream a reply as server-sent events:
          curl -s %s/ai/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -H 'Prefer: respond-async' -d '{"message":"What APR can I get with a 720 credit score?"}'
          curl -N -H "Authorization: Bearer $TOKEN" %s<streamUrl from the answer above>

        Chat over a WebSocket (wscat comes from the npm registry):
          npx wscat -c "ws://localhost:%d/ai/ws?access_token=$TOKEN"
          > {"type":"chat_message","message":"Is the RAV4 Hybrid XSE in stock?"}

        WhatsApp, as the provider's signed webhook would deliver it (replies are printed here,
        by a local stand-in for the provider's send-message API):
          export WA_SECRET=%s
          body='{"messages":[{"messageId":"m1","chatId":"15125550142","chatType":"whatsapp","type":"text","text":"Hi! Do you have SUVs under 30k?"}]}'
          curl -s %s/webhooks/wazzup/acme-wa -H 'Content-Type: application/json' \\
            -H "X-Wazzup-Signature: sha256=$(printf '%%s' "$body" | openssl dgst -sha256 -hmac "$WA_SECRET" | sed 's/^.* //')" -d "$body"

        Hand a conversation to a person and write as the agent:
          curl -s %s/ai/escalate -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"conversationId":"<conversationId>","reason":"wants a person"}'
          curl -s %s/ai/conversations/<conversationId>/agent-messages -H "Authorization: Bearer $AGENT_TOKEN" \\
            -H 'Content-Type: application/json' -d '{"text":"Hi, this is Sam from sales."}'
        and, as the admin, register a webhook for the tenant's conversation events (the secret is shown once):
          curl -s %s/ai/webhooks -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \\
            -d '{"url":"http://127.0.0.1:9999/hook","events":["conversation.*"]}'
        and see the tenant's analytics (the last five minutes and this hour; an overview with insights):
          curl -s %s/metrics -H "Authorization: Bearer $ADMIN_TOKEN"
          curl -s %s/ai/analytics-overview -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \\
            -d '{"timeRange":"last_24_hours","includeComparisons":true,"includeInsights":true}'
        and read a conversation back from the log (every event, in order; Accept: text/html prints it),
        export the tenant's log, or rebuild the transcript index from the log and compare it with the live one:
          curl -s %s/ai/conversations/<conversationId>/transcript -H "Authorization: Bearer $AGENT_TOKEN"
          curl -sN "%s/ai/admin/export?from=$(date -u -d '-1 hour' +%%FT%%TZ)" -H "Authorization: Bearer $ADMIN_TOKEN"
          ./parley rebuild %s

        Press Ctrl-C to stop.
        """,
        (System.nanoTime() - started) / 1e9, SampleData.TENANT, stack.ingressUrl(), stack.bootstrapServers(),
        stack.registryUrl(), root.resolve(".parley/logs"), SampleData.TENANT, token, agentToken, adminToken,
        stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl().getPort(), whatsAppSecret,
        stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl(), stack.ingressUrl(),
        stack.ingressUrl(), stack.ingressUrl(), stack.bootstrapServers());
    stopped.await();
  }
}
