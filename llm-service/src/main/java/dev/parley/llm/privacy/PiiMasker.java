package dev.parley.llm.privacy;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data before any text reaches a model, and restores it in the reply: phone
 * numbers (found by libphonenumber, in any format), email addresses, payment card numbers (Luhn
 * checked, so order numbers are left alone) and US social security numbers become placeholders
 * such as {@code [PHONE_1]}. One {@link Masking} per turn keeps the placeholders consistent across
 * the turn, its history and the tool calls.
 */
public final class PiiMasker {

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
  private static final Pattern SSN = Pattern.compile("\\b(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}\\b");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\[(PHONE|EMAIL|CARD|SSN)_\\d+]");

  private final String defaultRegion;

  /** @param defaultRegion region for numbers written without a country code, for example "US" */
  public PiiMasker(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /** The placeholders of one turn and the values they stand for. */
  public final class Masking {
    private final Map<String, String> byValue = new LinkedHashMap<>();
    private final Map<String, String> byPlaceholder = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    /** The text with personal data replaced by placeholders. */
    public String mask(String text) {
      if (text == null || text.isEmpty()) {
        return text;
      }
      record Span(int start, int end, String kind) {
      }
      List<Span> spans = new ArrayList<>();
      // Phone, SSN and card numbers need digits (5, 9 and 13 at least): most of what is masked
      // (questions, knowledge passages) has few, and libphonenumber's search is the costly part.
      long digits = text.chars().filter(Character::isDigit).count();
      if (digits >= 5) {
        for (PhoneNumberMatch match : PHONES.findNumbers(text, defaultRegion)) {
          spans.add(new Span(match.start(), match.end(), "PHONE"));
        }
      }
      if (text.indexOf('@') >= 0) {
        addAll(spans, EMAIL.matcher(text), "EMAIL", Span::new);
      }
      if (digits >= 9) {
        addAll(spans, SSN.matcher(text), "SSN", Span::new);
      }
      Matcher card = CARD.matcher(text);
      while (digits >= 13 && card.find()) {
        if (luhn(card.group().replaceAll("\\D", ""))) {
          spans.add(new Span(card.start(), card.end(), "CARD"));
        }
      }
      // Keep the earliest, longest span where kinds overlap (a card number can look like a phone).
      spans.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
      StringBuilder out = new StringBuilder();
      int at = 0;
      for (Span span : spans) {
        if (span.start() < at) {
          continue;
        }
        out.append(text, at, span.start()).append(placeholder(span.kind(), text.substring(span.start(), span.end())));
        at = span.end();
      }
      return out.append(text.substring(at)).toString();
    }

    /** The text with placeholders put back; unknown placeholders stay as they are. */
    public String restore(String text) {
      if (text == null || byPlaceholder.isEmpty()) {
        return text;
      }
      Matcher m = PLACEHOLDER.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(byPlaceholder.getOrDefault(m.group(), m.group())));
      }
      return m.appendTail(out).toString();
    }

    /** How many values were masked. */
    public int size() {
      return byPlaceholder.size();
    }

    private String placeholder(String kind, String value) {
      return byValue.computeIfAbsent(kind + ":" + value, key -> {
        String placeholder = "[" + kind + "_" + counters.merge(kind, 1, Integer::sum) + "]";
        byPlaceholder.put(placeholder, value);
        return placeholder;
      });
    }
  }

  public Masking newMasking() {
    return new Masking();
  }

  private interface SpanFactory<S> {
    S create(int start, int end, String kind);
  }

  private static <S> void addAll(List<S> spans, Matcher matcher, String kind, SpanFactory<S> factory) {
    while (matcher.find()) {
      spans.add(factory.create(matcher.start(), matcher.end(), kind));
    }
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return digits.length() >= 13 && sum % 10 == 0;
  }
}
