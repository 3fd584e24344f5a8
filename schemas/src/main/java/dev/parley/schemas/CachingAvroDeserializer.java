package dev.parley.schemas;

import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.serde.SerdeHeaders;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.header.Headers;

/**
 * Apicurio's Avro deserializer, with one datum reader per writer schema instead of one per record.
 * Apicurio makes a new reader for every record, and Avro then resolves the writer's schema against
 * the reader's again (aliases, field mapping): the second largest cost in context-service's
 * profile. The first record of each schema id goes through Apicurio, which finds the writer's
 * schema; the reader made from it is kept under the id in the payload's header (and the header's
 * length learnt), so later records of that id are read without asking Apicurio anything.
 */
final class CachingAvroDeserializer<V> extends AvroKafkaDeserializer<V> {

  private static final DecoderFactory DECODERS = DecoderFactory.get();

  private final Map<Schema, DatumReader<V>> readers = new ConcurrentHashMap<>();
  /** Readers by the header's bytes (magic byte and schema id) read as a number. */
  private final Map<Long, DatumReader<V>> byHeader = new ConcurrentHashMap<>();
  /** The length of the header before the Avro body, once seen (0 until then). */
  private volatile int headerLength;

  @Override
  public V deserialize(String topic, byte[] data) {
    V known = readKnown(null, data);
    return known != null ? known : super.deserialize(topic, data);
  }

  @Override
  public V deserialize(String topic, Headers headers, byte[] data) {
    V known = readKnown(headers, data);
    return known != null ? known : super.deserialize(topic, headers, data);
  }

  /** The record, when its schema id was seen before; null for Apicurio to read it. */
  private V readKnown(Headers headers, byte[] data) {
    int header = headerLength;
    if (data == null || header == 0 || data.length < header || namesEncoding(headers)) {
      return null;
    }
    DatumReader<V> reader = byHeader.get(headerKey(data, 0, header));
    return reader == null ? null : decode(reader, data, header, data.length - header);
  }

  @Override
  protected V readData(ParsedSchema<Schema> schema, ByteBuffer buffer, int start, int length) {
    return read(schema.getParsedSchema(), buffer, start, length);
  }

  @Override
  protected V readData(Headers headers, ParsedSchema<Schema> schema, ByteBuffer buffer, int start, int length) {
    if (namesEncoding(headers)) {
      return super.readData(headers, schema, buffer, start, length); // an encoding named in headers (JSON): Apicurio's way
    }
    return read(schema.getParsedSchema(), buffer, start, length);
  }

  private static boolean namesEncoding(Headers headers) {
    return headers != null && (headers.lastHeader(SerdeHeaders.HEADER_VALUE_ENCODING) != null
        || headers.lastHeader(SerdeHeaders.HEADER_KEY_ENCODING) != null);
  }

  /** Apicurio found the writer's schema: read with the reader kept for it, and remember it under the header. */
  private V read(Schema writer, ByteBuffer buffer, int start, int length) {
    DatumReader<V> reader = readers.computeIfAbsent(writer, CachingAvroDeserializer::readerFor);
    int offset = buffer.arrayOffset();
    if (offset == 0 && start > 1 && start <= 9) { // the header: magic byte and an id of up to 8 bytes
      byHeader.putIfAbsent(headerKey(buffer.array(), 0, start), reader);
      headerLength = start;
    }
    return decode(reader, buffer.array(), offset + start, length);
  }

  private static long headerKey(byte[] data, int from, int length) {
    long key = 0;
    for (int i = from; i < from + length; i++) {
      key = (key << 8) | (data[i] & 0xff);
    }
    return key;
  }

  private V decode(DatumReader<V> reader, byte[] data, int offset, int length) {
    try {
      return reader.read(null, DECODERS.binaryDecoder(data, offset, length, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads into the generated class of the writer's record name (the reader schema), as Apicurio's specific reader does. */
  private static <V> DatumReader<V> readerFor(Schema writer) {
    Class<?> type = SpecificData.get().getClass(writer);
    Schema reader = type == null ? writer : SpecificData.get().getSchema(type);
    return new SpecificDatumReader<>(writer, reader);
  }
}
