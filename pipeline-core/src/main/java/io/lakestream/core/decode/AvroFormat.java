package io.lakestream.core.decode;

import static io.lakestream.core.spec.SpecOptions.SCHEMA_FILE;

import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.Section;
import io.lakestream.core.spec.SpecContext;
import io.lakestream.core.spec.SpecOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code format: avro}: plain Avro binary datums of the writer schema in {@code schema-file}. A
 * spec without {@code schema} takes its columns from that schema.
 */
public record AvroFormat() implements RecordFormat {

  @Override
  public String name() {
    return "avro";
  }

  @Override
  public boolean changes() {
    return false;
  }

  @Override
  public List<SpecOption<?>> options() {
    return List.of(SCHEMA_FILE);
  }

  @Override
  public OptionValues read(Section section, SpecContext context) {
    return readSchemaFile(this, section, context);
  }

  @Override
  public SchemaSpec schema(OptionValues options, Section section) {
    if (options == null) {
      return SchemaSpec.undeclared();
    }
    try {
      Schema rows = AvroSchemas.rowSchema(AvroSchemas.read(Path.of(options.get(SCHEMA_FILE))));
      return new SchemaSpec(rows, Map.of());
    } catch (IllegalArgumentException e) {
      section.problem(SCHEMA_FILE, e.getMessage());
      return SchemaSpec.undeclared();
    }
  }

  @Override
  public RecordDecoder decoder(SchemaSpec schema, OptionValues options) {
    return new AvroDecoder(AvroSchemas.read(Path.of(options.get(SCHEMA_FILE))), schema.schema());
  }

  /**
   * Reads the {@code schema-file} an Avro format needs: required, an existing file, resolved
   * against the spec's directory.
   *
   * @return the file's path, or null after reporting a mistake
   */
  public static OptionValues readSchemaFile(
      RecordFormat format, Section section, SpecContext context) {
    if (!section.has(SCHEMA_FILE)) {
      section.problem(SCHEMA_FILE, "is required for format " + format.name());
      return null;
    }
    Path file = section.file(SCHEMA_FILE, context.baseDir());
    return file == null ? null : OptionValues.of(SCHEMA_FILE, file.toString());
  }
}
