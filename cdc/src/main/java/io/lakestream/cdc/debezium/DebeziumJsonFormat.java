package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.SchemaSpec;

/**
 * {@code format: debezium-json}: Debezium change events serialized by Kafka Connect's
 * JsonConverter, with or without their schema.
 */
public record DebeziumJsonFormat() implements RecordFormat {

  @Override
  public String name() {
    return "debezium-json";
  }

  @Override
  public boolean changes() {
    return true;
  }

  @Override
  public ChangeDecoder changeDecoder(SchemaSpec schema, OptionValues options) {
    return new DebeziumJsonDecoder(schema);
  }
}
