package io.lakestream.core.decode;

import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.SchemaSpec;

/** {@code format: json}: one JSON object per record, decoded into rows of the declared schema. */
public record JsonFormat() implements RecordFormat {

  @Override
  public String name() {
    return "json";
  }

  @Override
  public boolean changes() {
    return false;
  }

  @Override
  public RecordDecoder decoder(SchemaSpec schema, OptionValues options) {
    return new JsonDecoder(schema);
  }
}
