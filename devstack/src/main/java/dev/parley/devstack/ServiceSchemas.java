package dev.parley.devstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The services' PostgreSQL schemas, started afresh with each run. The local run and the tests start
 * an empty broker, so what the services keep in PostgreSQL about the log (answered turns, the
 * delivery ledger, dead letters, rate-limit buckets) must start empty too: broker and database are
 * both reset, never one without the other (knowledge and products are rebuilt from the topics).
 * Runs as role {@code parley}, which owns the databases and may act for the services' roles
 * ({@code devstack/postgres/setup.sh}).
 */
final class ServiceSchemas {

  /** Each service's schema and the role that owns it. */
  static final Map<String, String> OWNERS = Map.of("llm", "parley_llm", "delivery", "parley_delivery", "ingress", "parley_ingress");

  private ServiceSchemas() {
  }

  static void reset(String database) {
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "parley", "parley");
        Statement sql = db.createStatement()) {
      sql.execute("SET client_min_messages TO warning");
      for (var schema : OWNERS.entrySet()) {
        sql.execute("DROP SCHEMA IF EXISTS " + schema.getKey() + " CASCADE");
        sql.execute("CREATE SCHEMA " + schema.getKey() + " AUTHORIZATION " + schema.getValue());
        sql.execute("REVOKE ALL ON SCHEMA " + schema.getKey() + " FROM PUBLIC");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not start the services' schemas afresh in database " + database
          + " (devstack/postgres/setup.sh sets up the roles): " + e.getMessage(), e);
    }
  }
}
