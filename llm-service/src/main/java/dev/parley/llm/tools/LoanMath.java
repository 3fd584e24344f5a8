package dev.parley.llm.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Standard loan amortisation: payment = P·r / (1 − (1 + r)^−n) with r the monthly rate, and the
 * options a sales person offers when the payment is too high: a longer term, more down, a cheaper
 * vehicle. Computed, never copied: each option shows its monthly payment and total interest.
 */
public final class LoanMath {

  private static final MathContext MC = MathContext.DECIMAL64;

  /** A loan and what it costs. */
  public record Loan(String label, BigDecimal amountFinanced, BigDecimal aprPercent, int termMonths,
      BigDecimal monthlyPayment, BigDecimal totalInterest, BigDecimal totalPaid) {
  }

  private LoanMath() {
  }

  public static Loan loan(String label, BigDecimal amountFinanced, BigDecimal aprPercent, int termMonths) {
    if (termMonths <= 0) {
      throw new IllegalArgumentException("the term must be at least one month");
    }
    BigDecimal principal = amountFinanced.max(BigDecimal.ZERO);
    BigDecimal payment;
    if (aprPercent.signum() == 0) {
      payment = principal.divide(BigDecimal.valueOf(termMonths), MC);
    } else {
      BigDecimal r = aprPercent.divide(BigDecimal.valueOf(1200), MC);
      BigDecimal growth = BigDecimal.ONE.add(r, MC).pow(termMonths, MC);
      payment = principal.multiply(r, MC).multiply(growth, MC).divide(growth.subtract(BigDecimal.ONE, MC), MC);
    }
    BigDecimal monthly = payment.setScale(2, RoundingMode.HALF_UP);
    BigDecimal totalPaid = payment.multiply(BigDecimal.valueOf(termMonths), MC).setScale(2, RoundingMode.HALF_UP);
    return new Loan(label, principal.setScale(2, RoundingMode.HALF_UP), aprPercent, termMonths, monthly,
        totalPaid.subtract(principal).setScale(2, RoundingMode.HALF_UP), totalPaid);
  }

  /** The loan as asked, and three ways to lower the payment. */
  public static List<Loan> options(BigDecimal price, BigDecimal downPayment, BigDecimal aprPercent, int termMonths) {
    BigDecimal down = downPayment == null ? BigDecimal.ZERO : downPayment;
    BigDecimal financed = price.subtract(down);
    BigDecimal moreDown = down.add(price.multiply(new BigDecimal("0.10"), MC)).setScale(0, RoundingMode.HALF_UP);
    BigDecimal cheaper = price.multiply(new BigDecimal("0.85"), MC);
    return List.of(
        loan("as asked", financed, aprPercent, termMonths),
        loan("12 months longer", financed, aprPercent, termMonths + 12),
        loan("10% of the price more down (" + moreDown.toPlainString() + " down)", price.subtract(moreDown), aprPercent, termMonths),
        loan("a vehicle 15% cheaper", cheaper.subtract(down), aprPercent, termMonths));
  }
}
