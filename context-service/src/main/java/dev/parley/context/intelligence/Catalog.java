package dev.parley.context.intelligence;

import dev.parley.reference.Product;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * What a tenant sells and where: entity extraction matches product names and places against it,
 * so "rav 4" or "Norht lot" still find the catalogue's spelling.
 *
 * @param products product display names, for example "2024 Toyota RAV4 XLE"
 * @param places   known places, for example lots, cities, neighbourhoods
 * @param stock    units in stock per product name
 */
public record Catalog(List<String> products, List<String> places, Map<String, Integer> stock) {

  /** A tenant's catalogue from its rows of the inventory table: product names, and their locations as places. */
  public static Catalog of(Iterator<KeyValue<String, ValueAndTimestamp<Product>>> inventory) {
    List<String> products = new ArrayList<>();
    Set<String> places = new LinkedHashSet<>();
    Map<String, Integer> stock = new HashMap<>();
    inventory.forEachRemaining(item -> {
      Product product = item.value.value();
      products.add(product.getName());
      stock.put(product.getName(), product.getStock());
      if (product.getLocation() != null) {
        places.add(product.getLocation());
      }
    });
    return new Catalog(List.copyOf(products), List.copyOf(places), Map.copyOf(stock));
  }
}
