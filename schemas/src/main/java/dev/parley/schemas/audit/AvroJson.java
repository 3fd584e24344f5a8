package dev.parley.schemas.audit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Avro record as plain JSON, every field by its schema name: times as ISO-8601 instants, enums by
 * name, unions as their value (not Avro's tagged form; a choice between records names the record
 * in {@code "@type"}), bytes as base64. For people and for NDJSON
 * tools, not for reading back into Avro.
 */
public final class AvroJson {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  public static ObjectNode of(IndexedRecord record) {
    ObjectNode node = JSON.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      JsonNode json = value(value);
      if (value instanceof IndexedRecord branch && isChoiceOfRecords(field.schema())) {
        // Which of several records it is (a command's change): its name, as "@type".
        ObjectNode named = JSON.objectNode().put("@type", branch.getSchema().getName());
        named.setAll((ObjectNode) json);
        json = named;
      }
      node.set(field.name(), json);
    }
    return node;
  }

  private static boolean isChoiceOfRecords(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().filter(branch -> branch.getType() == Schema.Type.RECORD).count() > 1;
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return JSON.nullNode();
    }
    if (value instanceof IndexedRecord record) {
      return of(record);
    }
    if (value instanceof CharSequence text) {
      return JSON.textNode(text.toString());
    }
    if (value instanceof Instant instant) {
      return JSON.textNode(instant.toString());
    }
    if (value instanceof Enum<?> symbol) {
      return JSON.textNode(symbol.name());
    }
    if (value instanceof GenericEnumSymbol<?> symbol) {
      return JSON.textNode(symbol.toString());
    }
    if (value instanceof Integer number) {
      return JSON.numberNode(number);
    }
    if (value instanceof Long number) {
      return JSON.numberNode(number);
    }
    if (value instanceof Double number) {
      return JSON.numberNode(number);
    }
    if (value instanceof Float number) {
      return JSON.numberNode(number);
    }
    if (value instanceof Boolean flag) {
      return JSON.booleanNode(flag);
    }
    if (value instanceof ByteBuffer bytes) {
      ByteBuffer copy = bytes.duplicate();
      byte[] raw = new byte[copy.remaining()];
      copy.get(raw);
      return JSON.textNode(Base64.getEncoder().encodeToString(raw));
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = JSON.arrayNode();
      items.forEach(item -> array.add(value(item)));
      return array;
    }
    if (value instanceof Map<?, ?> entries) {
      ObjectNode object = JSON.objectNode();
      entries.forEach((key, item) -> object.set(key.toString(), value(item)));
      return object;
    }
    return JSON.textNode(value.toString());
  }

  private AvroJson() {
  }
}
