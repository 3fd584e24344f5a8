package dev.parley.llm.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * US motor-vehicle sales tax, from a data file kept with its source and date
 * ({@code tools/us-vehicle-sales-tax.json}): the state rate, whether the state taxes the price
 * after deducting a trade-in, and local rates where a ZIP code is known.
 */
public final class SalesTaxTable {

  /** One state's rules. */
  public record State(String name, BigDecimal stateRate, boolean tradeInCredit, String localRule, BigDecimal localCap,
      Map<String, BigDecimal> localRatesByZip, String notes) {
  }

  /** The data file. */
  public record Data(String source, String checkedOn, String note, Map<String, State> states) {
  }

  /** A computed tax, with what it was computed from. */
  public record Tax(String state, BigDecimal price, BigDecimal tradeIn, boolean tradeInCredited, BigDecimal taxableAmount,
      BigDecimal stateRate, BigDecimal stateTax, BigDecimal localRate, BigDecimal localTax, BigDecimal totalTax,
      String notes, String source, String checkedOn) {
  }

  private final Data data;

  public SalesTaxTable(Data data) {
    this.data = data;
  }

  public static SalesTaxTable standard() {
    try (InputStream in = SalesTaxTable.class.getResourceAsStream("/tools/us-vehicle-sales-tax.json")) {
      return new SalesTaxTable(JsonMapper.builder().build().readValue(in, Data.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sales tax table", e);
    }
  }

  public Data data() {
    return data;
  }

  /**
   * The tax on a vehicle: the taxable amount is the price less the trade-in where the state credits
   * it; the state rate applies to it; a local rate applies when the ZIP is known (in states whose
   * surtax has a cap, only up to the cap).
   */
  public Optional<Tax> compute(String stateCode, BigDecimal price, BigDecimal tradeIn, String zip) {
    State state = data.states().get(stateCode.toUpperCase(Locale.ROOT));
    if (state == null) {
      return Optional.empty();
    }
    BigDecimal trade = tradeIn == null ? BigDecimal.ZERO : tradeIn;
    BigDecimal taxable = state.tradeInCredit() ? price.subtract(trade).max(BigDecimal.ZERO) : price;
    BigDecimal stateTax = percent(taxable, state.stateRate());
    BigDecimal localRate = zip == null || state.localRatesByZip() == null ? BigDecimal.ZERO
        : state.localRatesByZip().getOrDefault(zip, BigDecimal.ZERO);
    BigDecimal localBase = state.localCap() != null ? taxable.min(state.localCap()) : taxable;
    BigDecimal localTax = percent(localBase, localRate);
    return Optional.of(new Tax(state.name(), money(price), money(trade), state.tradeInCredit(), money(taxable),
        state.stateRate(), stateTax, localRate, localTax, stateTax.add(localTax), state.notes(), data.source(), data.checkedOn()));
  }

  private static BigDecimal percent(BigDecimal amount, BigDecimal rate) {
    return amount.multiply(rate).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
  }

  private static BigDecimal money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP);
  }
}
