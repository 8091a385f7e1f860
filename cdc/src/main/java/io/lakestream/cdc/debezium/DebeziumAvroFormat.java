package io.lakestream.cdc.debezium;

import static io.lakestream.core.spec.SpecOptions.SCHEMA_FILE;

import io.lakestream.core.decode.AvroFormat;
import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.Section;
import io.lakestream.core.spec.SpecContext;
import io.lakestream.core.spec.SpecOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code format: debezium-avro}: Debezium change events as plain Avro binary datums of the envelope
 * schema in {@code schema-file}.
 */
public record DebeziumAvroFormat() implements RecordFormat {

  @Override
  public String name() {
    return "debezium-avro";
  }

  @Override
  public boolean changes() {
    return true;
  }

  @Override
  public List<SpecOption<?>> options() {
    return List.of(SCHEMA_FILE);
  }

  @Override
  public OptionValues read(Section section, SpecContext context) {
    return AvroFormat.readSchemaFile(this, section, context);
  }

  @Override
  public ChangeDecoder changeDecoder(SchemaSpec schema, OptionValues options) {
    return new DebeziumAvroDecoder(
        AvroSchemas.read(Path.of(options.get(SCHEMA_FILE))), null, schema);
  }
}
