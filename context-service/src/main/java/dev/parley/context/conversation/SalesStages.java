package dev.parley.context.conversation;

import static dev.parley.events.SalesStage.CLOSING;
import static dev.parley.events.SalesStage.COMPANY_DETAILS;
import static dev.parley.events.SalesStage.GREETING;
import static dev.parley.events.SalesStage.NEEDS_ANALYSIS;
import static dev.parley.events.SalesStage.QUALIFYING;
import static dev.parley.events.SalesStage.QUOTING;
import static dev.parley.events.SalesStage.SOLUTION;

import dev.parley.events.SalesStage;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The sales-stage state machine: the only moves a conversation may make. CLOSING is final. */
final class SalesStages {

  private static final Map<SalesStage, Set<SalesStage>> ALLOWED = new EnumMap<>(Map.of(
      GREETING, EnumSet.of(QUALIFYING),
      QUALIFYING, EnumSet.of(NEEDS_ANALYSIS),
      NEEDS_ANALYSIS, EnumSet.of(SOLUTION, QUALIFYING),
      SOLUTION, EnumSet.of(COMPANY_DETAILS, NEEDS_ANALYSIS),
      COMPANY_DETAILS, EnumSet.of(QUOTING, SOLUTION),
      QUOTING, EnumSet.of(CLOSING, SOLUTION),
      CLOSING, EnumSet.noneOf(SalesStage.class)));

  private SalesStages() {
  }

  static boolean allows(SalesStage from, SalesStage to) {
    return ALLOWED.get(from).contains(to);
  }

  static Set<SalesStage> next(SalesStage from) {
    return ALLOWED.get(from);
  }
}
