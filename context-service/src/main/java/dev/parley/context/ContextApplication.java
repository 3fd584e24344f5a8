package dev.parley.context;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * context-service: the conversation's memory. Reads inbound messages, replies and the CRM
 * reference topics; writes turns, enriched turns and conversation state. All state lives in
 * Kafka Streams stores (changelogged), so the service can be restarted or moved freely.
 */
@SpringBootApplication
public class ContextApplication {

  public static void main(String[] args) {
    SpringApplication.run(ContextApplication.class, args);
  }
}
