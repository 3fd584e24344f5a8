package dev.parley.llm.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SalesTaxTableTest {

  private final SalesTaxTable taxes = SalesTaxTable.standard();

  @Test
  void shouldDeductTradeInBeforeTaxInTexas() {
    var tax = taxes.compute("TX", new BigDecimal("32500"), new BigDecimal("8000"), null).orElseThrow();

    assertThat(tax.taxableAmount()).isEqualByComparingTo("24500.00");
    assertThat(tax.totalTax()).isEqualByComparingTo("1531.25");
    assertThat(tax.tradeInCredited()).isTrue();
  }

  @Test
  void shouldTaxFullPriceInCaliforniaWhereTradeInIsNotCredited() {
    var tax = taxes.compute("ca", new BigDecimal("32500"), new BigDecimal("8000"), null).orElseThrow();

    assertThat(tax.taxableAmount()).isEqualByComparingTo("32500.00");
    assertThat(tax.totalTax()).isEqualByComparingTo("2356.25");
    assertThat(tax.tradeInCredited()).isFalse();
  }

  @Test
  void shouldAddLocalSurtaxOnlyUpToItsCapInFlorida() {
    var tax = taxes.compute("FL", new BigDecimal("30000"), new BigDecimal("5000"), "33101").orElseThrow();

    assertThat(tax.stateTax()).isEqualByComparingTo("1500.00");
    assertThat(tax.localTax()).isEqualByComparingTo("50.00");
    assertThat(tax.totalTax()).isEqualByComparingTo("1550.00");
  }

  @Test
  void shouldAddLocalRateWhenZipIsKnown() {
    var tax = taxes.compute("NY", new BigDecimal("40000"), null, "10001").orElseThrow();

    assertThat(tax.stateTax().add(tax.localTax())).isEqualByComparingTo("3550.00");
    assertThat(tax.source()).isNotBlank();
    assertThat(tax.checkedOn()).isEqualTo("2026-11-01");
  }

  @Test
  void shouldHaveNoAnswerForStateWithoutData() {
    assertThat(taxes.compute("ZZ", new BigDecimal("1000"), null, null)).isEmpty();
  }
}
