package dev.parley.llm.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The calculations a model may ask for, as LangChain4j tools. They only delegate to the domain
 * ({@link SalesTaxTable}, {@link LoanMath}): prices, taxes and payments come from computation,
 * never from the model's memory.
 */
public final class SalesTools {

  private final SalesTaxTable taxes;

  public SalesTools(SalesTaxTable taxes) {
    this.taxes = taxes;
  }

  @Tool("Sales tax on a vehicle bought in a US state: taxable amount after any trade-in credit, state and local tax, and the data's source and date")
  public Object calculateSalesTax(
      @P("two-letter US state code, for example TX") String state,
      @P("vehicle price in dollars") double price,
      @P(value = "trade-in value in dollars, 0 if none", required = false) Double tradeIn,
      @P(value = "5-digit ZIP code where the vehicle is registered, if known", required = false) String zip) {
    return taxes.compute(state, BigDecimal.valueOf(price), tradeIn == null ? null : BigDecimal.valueOf(tradeIn), zip)
        .<Object>map(tax -> tax)
        .orElse(Map.of("error", "no sales tax data for state " + state, "knownStates", taxes.data().states().keySet()));
  }

  @Tool("Monthly payment and total interest of a loan, by standard amortisation")
  public LoanMath.Loan calculateLoanPayment(
      @P("amount financed in dollars") double amountFinanced,
      @P("annual percentage rate, for example 5.9") double aprPercent,
      @P("term in months, for example 60") int termMonths) {
    return LoanMath.loan("as asked", BigDecimal.valueOf(amountFinanced), BigDecimal.valueOf(aprPercent), termMonths);
  }

  @Tool("Financing options for a vehicle: the loan as asked, a 12-month longer term, 10% more down, and a vehicle 15% cheaper, each with monthly payment and total interest")
  public List<LoanMath.Loan> compareFinancingOptions(
      @P("vehicle price in dollars") double price,
      @P(value = "down payment in dollars, 0 if none", required = false) Double downPayment,
      @P("annual percentage rate, for example 5.9") double aprPercent,
      @P("term in months, for example 60") int termMonths) {
    return LoanMath.options(BigDecimal.valueOf(price), downPayment == null ? null : BigDecimal.valueOf(downPayment),
        BigDecimal.valueOf(aprPercent), termMonths);
  }
}
