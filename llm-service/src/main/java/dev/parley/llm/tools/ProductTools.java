package dev.parley.llm.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.parley.llm.products.ProductCatalog;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Product tools for one tenant's turn: search, stock and alternatives. They only delegate to the
 * {@link ProductCatalog}, scoped to the tenant the turn belongs to.
 */
public final class ProductTools {

  private final ProductCatalog catalog;
  private final String tenantId;

  public ProductTools(ProductCatalog catalog, String tenantId) {
    this.catalog = catalog;
    this.tenantId = tenantId;
  }

  @Tool("Search the products for sale: what the customer describes, with an optional price ceiling and category; in-stock items by default")
  public List<ProductCatalog.Item> searchProducts(
      @P("what the customer is looking for, in their words") String query,
      @P(value = "highest price in dollars", required = false) Double maxPrice,
      @P(value = "category, for example SUV, sedan, truck", required = false) String category,
      @P(value = "only products in stock (default true)", required = false) Boolean inStockOnly) {
    return catalog.search(tenantId, query, new ProductCatalog.Filters(null,
        maxPrice == null ? null : BigDecimal.valueOf(maxPrice), category, null, null,
        inStockOnly == null || inStockOnly), 5);
  }

  @Tool("How many units of a product are in stock, where, and at what price")
  public Object getStock(@P("product name or id") String product) {
    return catalog.find(tenantId, product).<Object>map(item -> item)
        .orElse(Map.of("error", "no product matching " + product));
  }

  @Tool("Alternatives to a product: cheaper ones (10-20% less) and better-value ones (10-15% more), in stock")
  public Object findAlternatives(@P("product name or id") String product) {
    return catalog.alternatives(tenantId, product).<Object>map(alternatives -> alternatives)
        .orElse(Map.of("error", "no product matching " + product));
  }
}
