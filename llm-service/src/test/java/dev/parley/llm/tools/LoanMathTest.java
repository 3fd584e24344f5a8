package dev.parley.llm.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LoanMathTest {

  @Test
  void shouldAmortiseStandardLoan() {
    var loan = LoanMath.loan("x", new BigDecimal("30000"), new BigDecimal("6"), 60);

    assertThat(loan.monthlyPayment()).isEqualByComparingTo("579.98");
    assertThat(loan.totalInterest()).isEqualByComparingTo("4799.04");
  }

  @Test
  void shouldSplitZeroAprLoanEvenly() {
    var loan = LoanMath.loan("x", new BigDecimal("24000"), BigDecimal.ZERO, 48);

    assertThat(loan.monthlyPayment()).isEqualByComparingTo("500.00");
    assertThat(loan.totalInterest()).isEqualByComparingTo("0.00");
  }

  @Test
  void shouldOfferOptionsThatEachLowerThePayment() {
    var options = LoanMath.options(new BigDecimal("32500"), new BigDecimal("3000"), new BigDecimal("5.9"), 60);

    var asked = options.get(0);
    assertThat(asked.amountFinanced()).isEqualByComparingTo("29500.00");
    assertThat(options.subList(1, 4)).allSatisfy(option ->
        assertThat(option.monthlyPayment()).isLessThan(asked.monthlyPayment()));
    assertThat(options.get(1).termMonths()).isEqualTo(72);
    assertThat(options.get(1).totalInterest()).as("a longer term costs more interest").isGreaterThan(asked.totalInterest());
    assertThat(options.get(2).amountFinanced()).isEqualByComparingTo("26250.00");
    assertThat(options.get(3).amountFinanced()).isEqualByComparingTo("24625.00");
  }

  @Test
  void shouldRefuseTermOfZeroMonths() {
    assertThatThrownBy(() -> LoanMath.loan("x", BigDecimal.TEN, BigDecimal.ONE, 0)).hasMessageContaining("term");
  }
}
