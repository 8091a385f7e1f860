package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.ChangeDecoderFactory;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.SchemaSpec;

/** {@code format: debezium-json}. */
public final class DebeziumJsonDecoderFactory implements ChangeDecoderFactory {

  @Override
  public KafkaSourceSpec.Format format() {
    return KafkaSourceSpec.Format.DEBEZIUM_JSON;
  }

  @Override
  public ChangeDecoder create(SchemaSpec schema, String avroSchemaFile) {
    return new DebeziumJsonDecoder(schema);
  }
}
