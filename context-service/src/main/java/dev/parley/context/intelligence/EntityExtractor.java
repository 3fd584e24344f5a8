package dev.parley.context.intelligence;

import dev.parley.events.Entity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the entities of a sales conversation in a turn, with rules: amounts (with k, lakh and
 * crore), down payments, trade-in values, monthly budgets ("$500/month"), budget ceilings ("under 2 Cr"), loan
 * terms, APRs, credit scores, US states and ZIP codes, configurations ("2bhk" → "2BHK"), must-haves
 * ("must have a third row"), and the
 * tenant's products and places, matched despite small typos.
 */
public final class EntityExtractor {

  /**
   * A number as people write amounts. Digit runs are bounded (no amount has more than 12 digits)
   * and never start inside another number, so a hostile run of thousands of digits costs linear
   * time, not quadratic backtracking.
   */
  private static final String NUMBER = "(?<![\\d,.])(?:\\d{1,3}(?:,\\d{3}){1,4}|\\d{1,12}(?:\\.\\d{1,4})?)";
  private static final String AMOUNT = "(?:\\$\\s?)?(" + NUMBER + ")\\s?(k|K|lakhs?|lacs?|L|cr|Cr|crores?|dollars)?";
  private static final Pattern MONEY = Pattern.compile("(?<![\\w.])(\\$\\s?(" + NUMBER + ")\\s?(k|K)?"
      + "|(" + NUMBER + ")\\s?(k|K|lakhs?|lacs?|L|cr|Cr|crores?)\\b|(" + NUMBER + ")\\s?dollars)");
  private static final Pattern DOWN_AFTER = Pattern.compile("(" + AMOUNT + ")\\s*(?:as (?:a )?)?down\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern DOWN_BEFORE = Pattern.compile("down\\s?payment\\s*(?:of|is|:)?\\s*(" + AMOUNT + ")", Pattern.CASE_INSENSITIVE);
  private static final Pattern TRADE_IN_AFTER = Pattern.compile("(" + AMOUNT + ")\\s*(?:trade[- ]?in|trade)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern TRADE_IN_BEFORE = Pattern.compile("trade[- ]?in\\s*(?:is\\s+)?(?:of|worth|valued at|:)?\\s*(" + AMOUNT + ")", Pattern.CASE_INSENSITIVE);
  private static final Pattern MONTHLY = Pattern.compile("(" + AMOUNT + ")\\s*(?:/\\s?mo(?:nth)?\\b|a month|per month|monthly)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CEILING = Pattern.compile("(?:under|below|less than|up to|upto|max(?:imum)?|within|no more than)\\s+(" + AMOUNT + ")", Pattern.CASE_INSENSITIVE);
  private static final Pattern TERM = Pattern.compile("\\b(\\d{2,3})[\\s-]?(?:months?|mos?)\\b|\\b(\\d)[\\s-]?(?:years?|yrs?)[\\s-]?(?:loan|term|financing|lease)", Pattern.CASE_INSENSITIVE);
  private static final Pattern APR = Pattern.compile("(\\d{1,2}(?:\\.\\d{1,2})?)\\s?%\\s?(?:apr|interest|rate)|apr\\s*(?:of|is|at)?\\s*(\\d{1,2}(?:\\.\\d{1,2})?)\\s?%", Pattern.CASE_INSENSITIVE);
  private static final Pattern CREDIT = Pattern.compile("credit\\s?score\\s*(?:of|is|:|around|about)?\\s*(\\d{3})\\b|\\b(\\d{3})\\s*credit(?:\\s?score)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern ZIP = Pattern.compile("(?:(?i:zip(?:\\s?code)?)\\s*(?:is|:)?\\s*|\\b[A-Z]{2}\\s)(\\d{5})(?:-\\d{4})?\\b");
  private static final Pattern MUST_HAVE = Pattern.compile(
      "(?:must have|must-have|has to have|needs? to have|non[- ]negotiable:?|can't do without|cannot do without)\\s+(?:an? |the )?([\\p{L}\\p{N} -]{3,40}?)(?=[,.!?;]|$|\\s+and\\s|\\s+but\\s)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern CONFIGURATION = Pattern.compile("\\b(\\d)\\s?-?\\s?(bhk|rk)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern STATE_CODE = Pattern.compile("(?:\\b(?:in|from|to|of|at)\\s+|,\\s*)([A-Z]{2})\\b");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*");

  private static final Map<String, String> STATES = new LinkedHashMap<>();
  /**
   * Every state name in one word-bounded alternation, longest first ("west virginia" before
   * "virginia"): one pass over the text on every turn, not fifty.
   */
  private static final Pattern STATE_NAMES;
  private static final Pattern AMOUNT_PARTS = Pattern.compile("(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?)\\s?([a-zA-Z]+)?");

  static {
    String[] pairs = {"alabama:AL", "alaska:AK", "arizona:AZ", "arkansas:AR", "california:CA", "colorado:CO",
        "connecticut:CT", "delaware:DE", "florida:FL", "georgia:GA", "hawaii:HI", "idaho:ID", "illinois:IL",
        "indiana:IN", "iowa:IA", "kansas:KS", "kentucky:KY", "louisiana:LA", "maine:ME", "maryland:MD",
        "massachusetts:MA", "michigan:MI", "minnesota:MN", "mississippi:MS", "missouri:MO", "montana:MT",
        "nebraska:NE", "nevada:NV", "new hampshire:NH", "new jersey:NJ", "new mexico:NM", "new york:NY",
        "north carolina:NC", "north dakota:ND", "ohio:OH", "oklahoma:OK", "oregon:OR", "pennsylvania:PA",
        "rhode island:RI", "south carolina:SC", "south dakota:SD", "tennessee:TN", "texas:TX", "utah:UT",
        "vermont:VT", "virginia:VA", "washington:WA", "west virginia:WV", "wisconsin:WI", "wyoming:WY",
        "district of columbia:DC"};
    for (String pair : pairs) {
      String[] parts = pair.split(":");
      STATES.put(parts[0], parts[1]);
    }
    STATE_NAMES = Pattern.compile("\\b(?:" + STATES.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
        .map(Pattern::quote).collect(java.util.stream.Collectors.joining("|")) + ")\\b");
  }

  private record Found(int start, Entity entity) {
  }

  public List<Entity> extract(String text, Catalog catalog) {
    List<Found> found = new ArrayList<>();
    List<int[]> claimed = new ArrayList<>();
    // Specific amount kinds first; a plain amount is only reported where none of them matched.
    amounts(text, DOWN_AFTER, "down_payment", found, claimed);
    amounts(text, DOWN_BEFORE, "down_payment", found, claimed);
    amounts(text, TRADE_IN_AFTER, "trade_in", found, claimed);
    amounts(text, TRADE_IN_BEFORE, "trade_in", found, claimed);
    amounts(text, MONTHLY, "monthly_budget", found, claimed);
    amounts(text, CEILING, "budget_max", found, claimed);
    Matcher money = MONEY.matcher(text);
    while (money.find()) {
      if (!overlaps(claimed, money.start(), money.end())) {
        BigDecimal value = amount(money.group());
        if (value != null) {
          add(found, claimed, money.start(), money.end(), "money", money.group().strip(), plain(value));
        }
      }
    }
    Matcher term = TERM.matcher(text);
    while (term.find()) {
      int months = term.group(1) != null ? Integer.parseInt(term.group(1)) : Integer.parseInt(term.group(2)) * 12;
      if (months >= 6 && months <= 120) {
        add(found, claimed, term.start(), term.end(), "term_months", term.group(), Integer.toString(months));
      }
    }
    Matcher apr = APR.matcher(text);
    while (apr.find()) {
      add(found, claimed, apr.start(), apr.end(), "apr", apr.group(), apr.group(1) != null ? apr.group(1) : apr.group(2));
    }
    Matcher credit = CREDIT.matcher(text);
    while (credit.find()) {
      int score = Integer.parseInt(credit.group(1) != null ? credit.group(1) : credit.group(2));
      if (score >= 300 && score <= 850) {
        add(found, claimed, credit.start(), credit.end(), "credit_score", credit.group(), Integer.toString(score));
      }
    }
    states(text, found, claimed);
    Matcher zip = ZIP.matcher(text);
    while (zip.find()) {
      add(found, claimed, zip.start(1), zip.end(1), "zip", zip.group(1), zip.group(1));
    }
    Matcher configuration = CONFIGURATION.matcher(text);
    while (configuration.find()) {
      add(found, claimed, configuration.start(), configuration.end(), "configuration", configuration.group(),
          configuration.group(1) + configuration.group(2).toUpperCase(Locale.ROOT));
    }
    Matcher mustHave = MUST_HAVE.matcher(text);
    while (mustHave.find()) {
      add(found, claimed, mustHave.start(), mustHave.end(), "must_have", mustHave.group(), mustHave.group(1).strip().toLowerCase(Locale.ROOT));
    }
    List<Found> products = catalogue(text, catalog.products(), "product", EntityExtractor::modelTerms, found);
    mostSpecific(text, products);
    found.addAll(products);
    found.addAll(catalogue(text, catalog.places(), "location", EntityExtractor::placeTerms, found));
    found.sort(Comparator.comparingInt(Found::start));
    return found.stream().map(Found::entity).toList();
  }

  private static void amounts(String text, Pattern pattern, String type, List<Found> found, List<int[]> claimed) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      BigDecimal value = amount(matcher.group(1));
      if (value != null && !overlaps(claimed, matcher.start(), matcher.end())) {
        add(found, claimed, matcher.start(), matcher.end(), type, matcher.group().strip(), plain(value));
      }
    }
  }

  /** "$3,000" → 3000, "50k" → 50000, "2 Cr" → 20000000, "15 lakh" → 1500000. */
  static BigDecimal amount(String text) {
    Matcher m = AMOUNT_PARTS.matcher(text);
    if (!m.find()) {
      return null;
    }
    BigDecimal number = new BigDecimal(m.group(1).replace(",", ""));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    if (unit.equals("k")) {
      return number.multiply(BigDecimal.valueOf(1_000));
    }
    if (unit.startsWith("lakh") || unit.startsWith("lac") || unit.equals("l")) {
      return number.multiply(BigDecimal.valueOf(100_000));
    }
    if (unit.startsWith("cr")) {
      return number.multiply(BigDecimal.valueOf(10_000_000));
    }
    return number;
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  private static void states(String text, List<Found> found, List<int[]> claimed) {
    String lower = text.toLowerCase(Locale.ROOT);
    Matcher name = STATE_NAMES.matcher(lower);
    while (name.find()) {
      if (!overlaps(claimed, name.start(), name.end())) {
        add(found, claimed, name.start(), name.end(), "us_state", text.substring(name.start(), name.end()), STATES.get(name.group()));
      }
    }
    Matcher code = STATE_CODE.matcher(text);
    while (code.find()) {
      if (STATES.containsValue(code.group(1)) && !overlaps(claimed, code.start(1), code.end(1))) {
        add(found, claimed, code.start(1), code.end(1), "us_state", code.group(1), code.group(1));
      }
    }
  }

  /**
   * Where several products share the model word ("RAV4 XLE", "RAV4 Hybrid XSE"), keeps those whose
   * name shares the most words with the turn: "the RAV4 Hybrid XSE" means that one, "the rav 4"
   * stays ambiguous and keeps them all.
   */
  private static void mostSpecific(String text, List<Found> products) {
    java.util.Set<String> said = new java.util.HashSet<>();
    Matcher word = WORD.matcher(text);
    while (word.find()) {
      said.add(normalise(word.group()));
    }
    java.util.function.ToIntFunction<Found> overlap = product -> (int) java.util.Arrays.stream(product.entity().getValue()
        .split("\\s+")).map(EntityExtractor::normalise).filter(said::contains).count();
    java.util.Map<List<String>, Integer> bestPerModel = new java.util.HashMap<>();
    products.forEach(product -> bestPerModel.merge(modelTerms(product.entity().getValue()), overlap.applyAsInt(product), Math::max));
    products.removeIf(product -> overlap.applyAsInt(product) < bestPerModel.get(modelTerms(product.entity().getValue())));
  }

  /** Matches catalogue entries by their distinctive words, allowing one typo in longer words; returns what it added. */
  private static List<Found> catalogue(String text, List<String> entries, String type,
      java.util.function.Function<String, List<String>> termsOf, List<Found> found) {
    List<Found> added = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    Matcher word = WORD.matcher(text);
    while (word.find()) {
      words.add(normalise(word.group()));
      starts.add(word.start());
    }
    // "rav 4" is one word to the catalogue
    int single = words.size();
    for (int i = 0; i + 1 < single; i++) {
      words.add(words.get(i) + words.get(i + 1));
      starts.add(starts.get(i));
    }
    for (String entry : entries) {
      List<String> terms = termsOf.apply(entry);
      if (terms.isEmpty()) {
        continue;
      }
      int at = -1;
      boolean all = true;
      for (String term : terms) {
        int index = indexOfSimilar(words, term);
        if (index < 0) {
          all = false;
          break;
        }
        at = at < 0 ? starts.get(index) : Math.min(at, starts.get(index));
      }
      if (all) {
        added.add(new Found(at, new Entity(type, text.substring(at, Math.min(text.length(), at + 40)).split("[,.?!]")[0].strip(), entry)));
      }
    }
    return added;
  }

  private static int indexOfSimilar(List<String> words, String term) {
    int allowed = term.length() >= 8 ? 2 : term.length() >= 5 ? 1 : 0;
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).equals(term) || (allowed > 0 && Math.abs(words.get(i).length() - term.length()) <= allowed
          && distance(words.get(i), term) <= allowed)) {
        return i;
      }
    }
    return -1;
  }

  /** A product's model word: "2024 Toyota RAV4 XLE" → [rav4]; a one-word name is its own term. */
  static List<String> modelTerms(String product) {
    List<String> tokens = new ArrayList<>();
    for (String token : product.replaceAll("\\(.*?\\)", "").split("\\s+")) {
      if (!token.matches("\\d{4}") && !token.isBlank()) {
        tokens.add(normalise(token));
      }
    }
    if (tokens.isEmpty()) {
      return List.of();
    }
    return List.of(tokens.size() >= 2 ? tokens.get(1) : tokens.get(0));
  }

  /** A place's words, without generic ones: "North lot" → [north]. */
  static List<String> placeTerms(String place) {
    List<String> terms = new ArrayList<>();
    for (String token : place.split("\\s+")) {
      String word = normalise(token);
      if (word.length() >= 3 && !List.of("lot", "the", "city", "area", "next", "week", "arriving").contains(word)) {
        terms.add(word);
      }
    }
    return terms;
  }

  private static String normalise(String word) {
    return word.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }

  private static void add(List<Found> found, List<int[]> claimed, int start, int end, String type, String text, String value) {
    if (overlaps(claimed, start, end)) {
      return;
    }
    claimed.add(new int[] {start, end});
    found.add(new Found(start, new Entity(type, text.strip(), value)));
  }

  private static boolean overlaps(List<int[]> claimed, int start, int end) {
    return claimed.stream().anyMatch(span -> start < span[1] && span[0] < end);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
