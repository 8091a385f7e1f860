package io.lakestream.core.runtime;

import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.JsonFormat;
import io.lakestream.core.decode.JsonKeyDecoder;
import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;

/** The decoders a pipeline's record format asks for, one set per source task. */
final class Formats {
  private Formats() {}

  /** Whether the format's records are changes (inserts, updates and deletes) rather than rows. */
  static boolean changes(PipelineSpec spec) {
    return spec.kafka().format().changes();
  }

  /** Decodes the records of a plain format into rows. */
  static RecordDecoder decoder(PipelineSpec spec) {
    return spec.kafka().format().decoder(spec.schema(), spec.kafka().formatOptions());
  }

  /** Decodes the records of a change format. */
  static ChangeDecoder changeDecoder(PipelineSpec spec) {
    return spec.kafka().format().changeDecoder(spec.schema(), spec.kafka().formatOptions());
  }

  /**
   * Reads the row a tombstone deletes, where tombstones delete: rows go straight from the source
   * into an upsert table ({@code output}, or null when keyed steps come first), JSON-encoded, and
   * the spec leaves tombstones on {@code auto}. Null where tombstones delete nothing.
   */
  static JsonKeyDecoder tombstoneKeys(PipelineSpec spec, TableOutput output) {
    boolean deletes =
        spec.kafka().tombstones() == KafkaSourceSpec.Tombstones.AUTO
            && spec.kafka().format() instanceof JsonFormat
            && output != null
            && output.writer instanceof SupportsDelete;
    return deletes
        ? new JsonKeyDecoder(spec.schema(), ((SupportsDelete) output.writer).keyColumns())
        : null;
  }
}
