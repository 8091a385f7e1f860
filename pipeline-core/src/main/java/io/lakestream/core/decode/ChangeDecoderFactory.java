package io.lakestream.core.decode;

import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.SchemaSpec;

/**
 * Makes the {@link ChangeDecoder}s of one change format; found with {@link java.util.ServiceLoader}
 * (the {@code cdc} module provides the Debezium formats).
 */
public interface ChangeDecoderFactory {

  /** The format this factory decodes. */
  KafkaSourceSpec.Format format();

  /**
   * A decoder of records into changes of rows of {@code schema}.
   *
   * @param avroSchemaFile the writer schema, for Avro formats; otherwise null
   */
  ChangeDecoder create(SchemaSpec schema, String avroSchemaFile);
}
