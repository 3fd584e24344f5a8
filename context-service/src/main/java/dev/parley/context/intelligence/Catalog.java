package dev.parley.context.intelligence;

import java.util.List;

/**
 * What a tenant sells and where: entity extraction matches product names and places against it,
 * so "rav 4" or "Norht lot" still find the catalogue's spelling.
 *
 * @param products product display names, for example "2024 Toyota RAV4 XLE"
 * @param places   known places, for example lots, cities, neighbourhoods
 */
public record Catalog(List<String> products, List<String> places) {

  public static final Catalog EMPTY = new Catalog(List.of(), List.of());
}
