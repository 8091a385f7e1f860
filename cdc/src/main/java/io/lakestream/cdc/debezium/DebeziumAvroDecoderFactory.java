package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.ChangeDecoderFactory;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.SchemaSpec;
import java.nio.file.Path;

/** {@code format: debezium-avro}: plain binary datums of the envelope schema in the schema file. */
public final class DebeziumAvroDecoderFactory implements ChangeDecoderFactory {

  @Override
  public KafkaSourceSpec.Format format() {
    return KafkaSourceSpec.Format.DEBEZIUM_AVRO;
  }

  @Override
  public ChangeDecoder create(SchemaSpec schema, String avroSchemaFile) {
    return new DebeziumAvroDecoder(AvroSchemas.read(Path.of(avroSchemaFile)), null, schema);
  }
}
