package dev.parley.devstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For the local run only: a stand-in for the WhatsApp provider's send-message API that prints what
 * Parley would send to a customer's phone. Production points delivery-service at the real API.
 */
final class LocalWhatsAppProvider implements AutoCloseable {

  private static final Pattern CHAT = Pattern.compile("\"chatId\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern FILE = Pattern.compile("\"contentUri\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern TEMPLATE = Pattern.compile("\"templateId\"\\s*:\\s*\"([^\"]*)\".*?\"templateValues\"\\s*:\\s*(\\[[^\\]]*\\])");

  private final HttpServer server;

  LocalWhatsAppProvider() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Matcher chat = CHAT.matcher(body);
      Matcher text = TEXT.matcher(body);
      Matcher file = FILE.matcher(body);
      Matcher template = TEMPLATE.matcher(body);
      String shown = text.find() ? text.group(1).replace("\\n", "\n")
          : file.find() ? "[file] " + file.group(1)
          : template.find() ? "[template " + template.group(1) + "] " + template.group(2)
          : body;
      System.out.printf("%n[WhatsApp -> +%s] %s%n", chat.find() ? chat.group(1) : "?", shown);
      byte[] answer = "{\"messageId\":\"local\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
