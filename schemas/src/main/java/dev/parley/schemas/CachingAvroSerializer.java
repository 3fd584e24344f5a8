package dev.parley.schemas;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Apicurio's Avro serializer, with its schema lookup done once per topic and record type instead
 * of once per record. The profile of a busy context-service showed Apicurio resolving the schema
 * for every record: rendering it as JSON and looking it up by content (about a fifth of the
 * service's CPU). The first record of a type on a topic goes through Apicurio, which registers or
 * finds the schema; the bytes it writes before the Avro body (magic byte and schema id) are then
 * kept and put in front of every later record of that type on that topic. The wire format is
 * Apicurio's own, and is checked against Apicurio's output before it is trusted.
 *
 * <p>Only for ids in the payload (Parley's setting): with ids in headers every record goes through Apicurio.
 */
final class CachingAvroSerializer<V extends SpecificRecord> extends AvroKafkaSerializer<V> {

  private record Key(String topic, Class<?> type) {
  }

  private static final EncoderFactory ENCODERS = EncoderFactory.get();

  private final boolean idsInHeaders;
  private final Map<Key, byte[]> prefixes = new ConcurrentHashMap<>();
  private final Map<Class<?>, SpecificDatumWriter<V>> writers = new ConcurrentHashMap<>();

  CachingAvroSerializer(boolean idsInHeaders) {
    this.idsInHeaders = idsInHeaders;
  }

  @Override
  public byte[] serialize(String topic, Headers headers, V data) {
    if (data == null || idsInHeaders) {
      return super.serialize(topic, headers, data);
    }
    Key key = new Key(topic, data.getClass());
    byte[] prefix = prefixes.get(key);
    if (prefix != null) {
      return encode(prefix, data);
    }
    byte[] written = super.serialize(topic, headers, data);
    byte[] body = encode(new byte[0], data);
    int prefixLength = written.length - body.length;
    if (prefixLength > 0 && Arrays.equals(written, prefixLength, written.length, body, 0, body.length)) {
      prefixes.put(key, Arrays.copyOf(written, prefixLength));
    }
    return written;
  }

  private byte[] encode(byte[] prefix, V data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length + 256);
    out.writeBytes(prefix);
    BinaryEncoder encoder = ENCODERS.directBinaryEncoder(out, null);
    try {
      writers.computeIfAbsent(data.getClass(), type -> new SpecificDatumWriter<>(data.getSchema())).write(data, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
