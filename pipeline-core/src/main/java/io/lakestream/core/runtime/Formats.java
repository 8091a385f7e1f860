package io.lakestream.core.runtime;

import io.lakestream.core.decode.AvroDecoder;
import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.ChangeDecoderFactory;
import io.lakestream.core.decode.JsonDecoder;
import io.lakestream.core.decode.JsonKeyDecoder;
import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecOption;
import java.nio.file.Path;
import java.util.ServiceLoader;

/** The decoders a pipeline's record format asks for, one set per source task. */
final class Formats {
  private Formats() {}

  /** Whether the format's records are changes (inserts, updates and deletes) rather than rows. */
  static boolean changes(PipelineSpec spec) {
    return spec.kafka().format().changes();
  }

  /** Decodes the records of a plain format into rows. */
  static RecordDecoder decoder(PipelineSpec spec) {
    if (spec.kafka().format() == KafkaSourceSpec.Format.AVRO) {
      return new AvroDecoder(
          AvroSchemas.read(Path.of(spec.kafka().avroSchemaFile())), spec.schema().schema());
    }
    return new JsonDecoder(spec.schema());
  }

  /** Decodes the records of a change format; such decoders come with the {@code cdc} module. */
  static ChangeDecoder changeDecoder(PipelineSpec spec) {
    KafkaSourceSpec.Format format = spec.kafka().format();
    for (ChangeDecoderFactory f : ServiceLoader.load(ChangeDecoderFactory.class)) {
      if (f.format() == format) {
        return f.create(spec.schema(), spec.kafka().avroSchemaFile());
      }
    }
    throw new PipelineException(
        "No decoder for format "
            + SpecOption.choiceName(format)
            + " on the class path: it comes with the lakestream-cdc module");
  }

  /**
   * Reads the row a tombstone deletes, where tombstones delete: rows go straight from the source
   * into an upsert table ({@code output}, or null when keyed steps come first), JSON-encoded, and
   * the spec leaves tombstones on {@code auto}. Null where tombstones delete nothing.
   */
  static JsonKeyDecoder tombstoneKeys(PipelineSpec spec, TableOutput output) {
    boolean deletes =
        spec.kafka().tombstones() == KafkaSourceSpec.Tombstones.AUTO
            && spec.kafka().format() == KafkaSourceSpec.Format.JSON
            && output != null
            && output.writer instanceof SupportsDelete;
    return deletes
        ? new JsonKeyDecoder(spec.schema(), ((SupportsDelete) output.writer).keyColumns())
        : null;
  }
}
