package dev.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Schemas evolve safely: every topic's value schema as this build generates it must read every
 * record written with the schema last released (the registry's BACKWARD rule, which
 * {@link SchemaRegistrySetup} puts on every subject), checked at build time rather than when a
 * deployed service's first write is refused. The released schemas are snapshots in
 * {@code schemas/released/} (one self-contained {@code <topic>-value.avsc} per subject), written by
 * {@code mvn -pl schemas test -Dtest=SchemaEvolutionTest -Dparley.schemas.release=true} when a
 * version is released, and committed.
 */
class SchemaEvolutionTest {

  /** The snapshots, relative to the schemas module (Maven runs tests there). */
  static final Path RELEASED = Path.of("released");

  @Test
  void shouldReadWhatEveryReleasedSchemaWroteWithTodaysSchemas() {
    Map<String, Schema> released = read(RELEASED);
    assertThat(released).as("the released snapshots (schemas/released)").isNotEmpty();

    assertThat(incompatibilities(current(), released)).as("changes the registry's BACKWARD rule refuses").isEmpty();
  }

  @Test
  void shouldRefuseAFieldAddedWithoutADefaultAndASymbolRemoved() {
    Schema released = new Schema.Parser().parse("""
        {"type":"record","name":"Turn","fields":[
          {"name":"text","type":"string"},
          {"name":"channel","type":{"type":"enum","name":"Channel","symbols":["WEB","WHATSAPP"]}}]}""");
    Schema withDefault = new Schema.Parser().parse("""
        {"type":"record","name":"Turn","fields":[
          {"name":"text","type":"string"},
          {"name":"channel","type":{"type":"enum","name":"Channel","symbols":["WEB","WHATSAPP","API"]}},
          {"name":"language","type":["null","string"],"default":null}]}""");
    Schema withoutDefault = new Schema.Parser().parse("""
        {"type":"record","name":"Turn","fields":[
          {"name":"text","type":"string"},
          {"name":"channel","type":{"type":"enum","name":"Channel","symbols":["WEB","WHATSAPP"]}},
          {"name":"language","type":"string"}]}""");
    Schema symbolRemoved = new Schema.Parser().parse("""
        {"type":"record","name":"Turn","fields":[
          {"name":"text","type":"string"},
          {"name":"channel","type":{"type":"enum","name":"Channel","symbols":["WEB"]}}]}""");

    assertThat(incompatibilities(Map.of("t-value", withDefault), Map.of("t-value", released))).isEmpty();
    assertThat(incompatibilities(Map.of("t-value", withoutDefault), Map.of("t-value", released))).singleElement()
        .asString().contains("t-value").contains("language");
    assertThat(incompatibilities(Map.of("t-value", symbolRemoved), Map.of("t-value", released))).singleElement()
        .asString().contains("WHATSAPP");
    assertThat(incompatibilities(Map.of(), Map.of("t-value", released))).singleElement()
        .asString().contains("t-value was released and is gone");
  }

  /** Writes this build's schemas as the released ones: run when releasing, then commit schemas/released. */
  @Test
  @EnabledIfSystemProperty(named = "parley.schemas.release", matches = "true")
  void release() throws IOException {
    Files.createDirectories(RELEASED);
    try (Stream<Path> old = Files.list(RELEASED)) {
      for (Path file : old.filter(path -> path.toString().endsWith(".avsc")).toList()) {
        Files.delete(file);
      }
    }
    for (var subject : current().entrySet()) {
      Files.writeString(RELEASED.resolve(subject.getKey() + ".avsc"), subject.getValue().toString(true) + "\n");
    }
  }

  /** Each topic's value subject and the schema this build writes it with. */
  static Map<String, Schema> current() {
    Map<String, Schema> subjects = new TreeMap<>();
    for (Topic<?> topic : Topics.ALL) {
      subjects.put(topic.name() + "-value", SpecificData.get().getSchema(topic.valueType()));
    }
    return subjects;
  }

  static Map<String, Schema> read(Path directory) {
    Map<String, Schema> subjects = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".avsc")).sorted().toList()) {
        String name = file.getFileName().toString();
        subjects.put(name.substring(0, name.length() - ".avsc".length()), new Schema.Parser().parse(file.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return subjects;
  }

  /** What stops a subject's current schema from reading data its released schema wrote. */
  static List<String> incompatibilities(Map<String, Schema> current, Map<String, Schema> released) {
    List<String> problems = new ArrayList<>();
    released.forEach((subject, writer) -> {
      Schema reader = current.get(subject);
      if (reader == null) {
        problems.add(subject + " was released and is gone (consumers still read it; keep it, or release without it on purpose)");
        return;
      }
      var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
      if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        problems.add(subject + ": " + result.getIncompatibilities().stream()
            .map(problem -> problem.getType() + " at " + problem.getLocation() + " (" + problem.getMessage() + ")").toList());
      }
    });
    return problems;
  }
}
