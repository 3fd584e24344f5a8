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

  /**
   * A table of a report written earlier, as rows of cells by column name ({@code load → 100/s
   * distinct, p99 ms → 84, ...}); empty if the file or the table is not there.
   */
  static List<java.util.Map<String, String>> readTable(Path file, String heading) {
    List<java.util.Map<String, String>> table = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = 0;
    while (at < lines.size() && !lines.get(at).equals("## " + heading)) {
      at++;
    }
    while (at < lines.size() && !lines.get(at).startsWith("| ")) {
      at++;
    }
    if (at >= lines.size()) {
      return table;
    }
    List<String> columns = cells(lines.get(at));
    for (at += 2; at < lines.size() && lines.get(at).startsWith("| "); at++) {
      List<String> cells = cells(lines.get(at));
      java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
      for (int i = 0; i < Math.min(columns.size(), cells.size()); i++) {
        row.put(columns.get(i), cells.get(i));
      }
      table.add(row);
    }
    return table;
  }

  private static List<String> cells(String line) {
    String inner = line.strip();
    inner = inner.substring(1, inner.length() - 1); // the outer bars
    return java.util.Arrays.stream(inner.split("\\|")).map(String::strip).toList();
  }

  /** A figure as {@link #format} printed it, NaN for none. */
  static double number(String cell) {
    try {
      return cell == null ? Double.NaN : Double.parseDouble(cell.replace(",", ""));
    } catch (NumberFormatException none) {
      return Double.NaN;
    }
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
