package dev.parley.llm;

/**
 * Text PostgreSQL will take. Its text types cannot hold NUL, and a query or document carrying one
 * would fail the whole turn or ingestion; ingress refuses NUL from clients, but reference topics
 * (a CRM, a CMS) and anything else upstream are not ingress's to check.
 */
public final class PostgresText {

  private PostgresText() {
  }

  public static String of(String text) {
    return text == null || text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
  }
}
