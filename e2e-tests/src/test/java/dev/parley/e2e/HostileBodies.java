package dev.parley.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates request bodies a hostile or broken client sends, from a valid one: control characters
 * and NUL, unpaired surrogates, non-characters, very long words, oversized fields and bodies,
 * wrong types, unknown fields, deep nesting, malformed and non-UTF-8 JSON. Seeded, so a failure
 * can be replayed.
 */
final class HostileBodies {

  /** A body to send, and what it tries. */
  record Body(String kind, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Strings that break naive code: each is a JSON string literal as it would appear in the body. */
  static final List<String> HOSTILE_STRINGS = List.of(
      "\"hello\\u0000world\"", "\"\\u0000\"", "\"bell\\u0007 and escape\\u001b[31m\"", "\"line\\u2028separator\"",
      "\"delete\\u007f and next line\\u0085\"", "\"lone high \\ud800 surrogate\"", "\"lone low \\udc00 surrogate\"",
      "\"reversed \\udc00\\ud800 pair\"", "\"non-character \\uffff \\ufdd0\"", "\"\\ufeffbyte order mark\"",
      "\"\"", "\"   \"", "\"'; DROP TABLE conversations; --\"", "\"<script>alert(1)</script>\"", "\"${jndi:ldap://x/a}\"",
      "\"{{7*7}} #{7*7}\"", "\"مرحبا، هل السيارة متوفرة؟ ١٢٣\"", "\"👍🏽 🚗💨 Zalgo: Z̷̧̛a̵l̸g̴o̶\"",
      "\"" + "a".repeat(5_000) + "\"", "\"" + "9".repeat(3_000) + "\"", "\"" + "word ".repeat(900) + "\"",
      "\"" + "x".repeat(200_001) + "\"", "\"%00%0d%0a\"", "\"../../etc/passwd\"", "\"https://169.254.169.254/latest/meta-data\"");

  private final Random random;

  HostileBodies(long seed) {
    this.random = new Random(seed);
  }

  /**
   * At least {@code count} bodies built from a valid body (its fields as JSON literals). Every
   * hostile string goes into every field once; the rest are random mutations.
   */
  List<Body> from(Map<String, String> valid, int count) {
    List<Body> bodies = new ArrayList<>();
    for (String field : valid.keySet()) {
      for (String hostile : HOSTILE_STRINGS) {
        bodies.add(body("string " + field, replace(valid, field, hostile)));
      }
    }
    while (bodies.size() < count) {
      bodies.add(mutation(valid));
    }
    return bodies;
  }

  private Body mutation(Map<String, String> valid) {
    List<String> fields = List.copyOf(valid.keySet());
    String field = fields.get(random.nextInt(fields.size()));
    return switch (random.nextInt(12)) {
      case 0 -> body("number " + field, replace(valid, field, Long.toString(random.nextLong())));
      case 1 -> body("boolean " + field, replace(valid, field, "true"));
      case 2 -> body("array " + field, replace(valid, field, "[1,\"two\",null]"));
      case 3 -> body("object " + field, replace(valid, field, "{\"a\":{\"b\":1}}"));
      case 4 -> body("null " + field, replace(valid, field, "null"));
      case 5 -> body("unknown field", json(valid).replaceFirst("\\{", "{\"isAdmin\":true,"));
      case 6 -> body("deep nesting", replace(valid, field, "[".repeat(5_000) + "]".repeat(5_000)));
      case 7 -> body("truncated", json(valid).substring(0, Math.max(1, random.nextInt(json(valid).length()))));
      case 8 -> new Body("invalid UTF-8", concat(json(valid).substring(0, json(valid).length() - 1).getBytes(StandardCharsets.UTF_8),
          new byte[] {',', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'}));
      case 9 -> body("not JSON", List.of("", "null", "[]", "\"text\"", "hello", "{", "}", "{}}", "<xml/>").get(random.nextInt(9)));
      case 10 -> body("raw control characters", replace(valid, field, "\"raw\u0001\u0000\ttab\"")); // unescaped: not JSON
      default -> body("huge body", replace(valid, field, "\"" + "y".repeat(2_000_000) + "\""));
    };
  }

  private static Map<String, String> replace(Map<String, String> valid, String field, String literal) {
    Map<String, String> changed = new LinkedHashMap<>(valid);
    changed.put(field, literal);
    return changed;
  }

  private static Body body(String kind, Map<String, String> fields) {
    return body(kind, json(fields));
  }

  private static Body body(String kind, String json) {
    return new Body(kind, json.getBytes(StandardCharsets.UTF_8));
  }

  static String json(Map<String, String> fields) {
    StringBuilder json = new StringBuilder("{");
    fields.forEach((name, literal) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":").append(literal));
    return json.append('}').toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = new byte[a.length + b.length];
    System.arraycopy(a, 0, joined, 0, a.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
