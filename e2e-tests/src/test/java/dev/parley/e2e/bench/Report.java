package dev.parley.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's printed results: Markdown tables with a heading each, and notes. */
final class Report {

  private final StringBuilder text = new StringBuilder();
  private List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Report(String title) {
    text.append("# ").append(title).append("\n\n");
  }

  Report line(String line) {
    flush();
    text.append(line).append("\n");
    return this;
  }

  Report table(String heading, String... columns) {
    flush();
    text.append("\n## ").append(heading).append("\n\n");
    header = List.of(columns);
    return this;
  }

  Report row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(format(cell));
    }
    rows.add(row);
    return this;
  }

  static String format(Object cell) {
    if (cell instanceof Double d) {
      if (d.isNaN()) {
        return "–";
      }
      double a = Math.abs(d);
      return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", d);
    }
    if (cell instanceof Long l && l < 0) {
      return "–";
    }
    return String.valueOf(cell);
  }

  private void flush() {
    if (header == null) {
      return;
    }
    text.append("| ").append(String.join(" | ", header)).append(" |\n");
    text.append("|").append(" --- |".repeat(header.size())).append("\n");
    for (List<String> row : rows) {
      text.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    header = null;
    rows.clear();
  }

  @Override
  public String toString() {
    flush();
    return text.toString();
  }

  void writeTo(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
