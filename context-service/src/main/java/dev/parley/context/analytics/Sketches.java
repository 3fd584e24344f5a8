package dev.parley.context.analytics;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The mergeable sketches inside {@link dev.parley.analytics.AnalyticsCounts}: latencies as
 * HdrHistograms (percentiles of a day are the percentiles of its minutes added up, never an
 * average of averages) and distinct customers as UltraLogLog sketches (hash4j).
 */
final class Sketches {

  /** Latencies up to an hour, in milliseconds, to 2 significant digits (1 % error). */
  private static final long MAX_MILLIS = 3_600_000L;
  private static final int DIGITS = 2;
  /** 2^10 registers: about 2.4 % error on a distinct count, 1 KiB a window. */
  private static final int PRECISION = 10;
  private static final Hasher64 HASH = Hashing.komihash5_0();

  private Sketches() {
  }

  static Histogram newHistogram() {
    return new Histogram(MAX_MILLIS, DIGITS);
  }

  /** A histogram of one value. */
  static byte[] latency(long millis) {
    Histogram histogram = newHistogram();
    histogram.recordValue(Math.max(0, Math.min(MAX_MILLIS, millis)));
    return encode(histogram);
  }

  static byte[] encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoByteBuffer(buffer); // zero runs compacted, no deflate
    return Arrays.copyOf(buffer.array(), length);
  }

  static Histogram decode(byte[] bytes) {
    return bytes == null ? newHistogram() : Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
  }

  /** Both histograms added up; null when both are. */
  static byte[] addLatencies(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    Histogram sum = decode(a);
    sum.add(decode(b));
    return encode(sum);
  }

  /** A customer as the sketches know them: a 64-bit hash of the tenant and the id, never the id. */
  static long customerHash(String tenantId, String customerId) {
    return HASH.hashCharsToLong(tenantId + ":" + customerId);
  }

  /** The sketch with these hashes and the other sketch added in. */
  static byte[] addCustomers(byte[] sketch, byte[] other, List<Long> hashes) {
    if (other == null && hashes.isEmpty()) {
      return sketch;
    }
    UltraLogLog merged = sketch == null ? UltraLogLog.create(PRECISION) : UltraLogLog.wrap(sketch.clone());
    if (other != null) {
      merged.add(UltraLogLog.wrap(other));
    }
    hashes.forEach(merged::add);
    return merged.getState();
  }

  static long distinctCustomers(byte[] sketch, List<Long> hashes) {
    byte[] all = addCustomers(sketch, null, hashes);
    return all == null ? 0 : Math.round(UltraLogLog.wrap(all).getDistinctCountEstimate());
  }
}
