package dev.parley.context.transcript;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a conversation's events are: its partition (the same in every conversation topic, which are
 * co-partitioned by key) and, per topic, the offsets of its records, ascending. The value of the
 * transcript index; a transcript reads exactly these records.
 *
 * <p>Encoded compactly (offsets as varint deltas: a conversation of a thousand events is about 2 KB)
 * and capped at {@link #MAX_PER_TOPIC} offsets per topic, so that a runaway conversation cannot
 * outgrow a changelog record; what the cap leaves out is counted in {@link #dropped()}.
 */
public final class ConversationOffsets {

  static final int MAX_PER_TOPIC = 20_000;
  private static final byte VERSION = 1;

  private final int partition;
  private final Map<String, long[]> offsets;
  private final long dropped;

  private ConversationOffsets(int partition, Map<String, long[]> offsets, long dropped) {
    this.partition = partition;
    this.offsets = offsets;
    this.dropped = dropped;
  }

  public static ConversationOffsets empty(int partition) {
    return new ConversationOffsets(partition, new TreeMap<>(), 0);
  }

  public int partition() {
    return partition;
  }

  /** The offsets of the conversation's records in a topic, ascending (empty when it has none there). */
  public long[] offsets(String topic) {
    long[] of = offsets.get(topic);
    return of == null ? new long[0] : of.clone();
  }

  public Map<String, long[]> all() {
    return Collections.unmodifiableMap(offsets);
  }

  /** Records left out by the cap. */
  public long dropped() {
    return dropped;
  }

  public int size() {
    return offsets.values().stream().mapToInt(of -> of.length).sum();
  }

  /**
   * With one more record; adding an offset already held changes nothing (the index is fed at least
   * once: a record read again after a restart is the same offset).
   */
  public ConversationOffsets with(String topic, long offset) {
    long[] of = offsets.getOrDefault(topic, new long[0]);
    int at = of.length > 0 && of[of.length - 1] < offset ? -(of.length + 1) : Arrays.binarySearch(of, offset);
    if (at >= 0) {
      return this;
    }
    if (of.length >= MAX_PER_TOPIC) {
      return new ConversationOffsets(partition, offsets, dropped + 1);
    }
    int insert = -(at + 1);
    long[] grown = new long[of.length + 1];
    System.arraycopy(of, 0, grown, 0, insert);
    grown[insert] = offset;
    System.arraycopy(of, insert, grown, insert + 1, of.length - insert);
    Map<String, long[]> copy = new TreeMap<>(offsets);
    copy.put(topic, grown);
    return new ConversationOffsets(partition, copy, dropped);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 32 * offsets.size() + 2 * size());
    out.write(VERSION);
    writeVarLong(out, partition);
    writeVarLong(out, dropped);
    writeVarLong(out, offsets.size());
    offsets.forEach((topic, of) -> {
      byte[] name = topic.getBytes(StandardCharsets.UTF_8);
      writeVarLong(out, name.length);
      out.write(name, 0, name.length);
      writeVarLong(out, of.length);
      long previous = 0;
      for (long offset : of) {
        writeVarLong(out, offset - previous);
        previous = offset;
      }
    });
    return out.toByteArray();
  }

  public static ConversationOffsets decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown transcript index version " + version);
    }
    int partition = (int) readVarLong(in);
    long dropped = readVarLong(in);
    int topics = (int) readVarLong(in);
    Map<String, long[]> offsets = new TreeMap<>();
    for (int t = 0; t < topics; t++) {
      byte[] name = new byte[(int) readVarLong(in)];
      in.get(name);
      long[] of = new long[(int) readVarLong(in)];
      long previous = 0;
      for (int i = 0; i < of.length; i++) {
        previous += readVarLong(in);
        of[i] = previous;
      }
      offsets.put(new String(name, StandardCharsets.UTF_8), of);
    }
    return new ConversationOffsets(partition, offsets, dropped);
  }

  private static void writeVarLong(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarLong(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
