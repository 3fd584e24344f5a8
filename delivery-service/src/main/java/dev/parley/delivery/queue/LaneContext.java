package dev.parley.delivery.queue;

import dev.parley.delivery.channel.Outbound;
import dev.parley.delivery.channel.Outgoing;
import dev.parley.delivery.queue.PendingDeliveries.Lane;
import dev.parley.delivery.queue.PendingDeliveries.Pending;
import dev.parley.delivery.receipt.Receipts;
import io.github.bucket4j.Bucket;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** What every lane shares: the store, the scheduler its steps run on, the targets, receipts and limits. */
interface LaneContext {

  PendingDeliveries store();

  ScheduledExecutorService scheduler();

  Retries retries();

  Receipts receipts();

  /** Whether this instance still owns the lane's partition. */
  boolean owns(Lane lane);

  /** The target's rate limit, shared by its lanes. */
  Bucket limit(String target);

  Outgoing decode(Pending pending);

  /** Where the row goes; empty when that target is gone (a deleted webhook). */
  Optional<Outbound> outbound(Pending pending, Outgoing outgoing);

  /** Publishes the dead letter of a row given up on. */
  void deadLetter(Pending done, Outgoing outgoing);
}
