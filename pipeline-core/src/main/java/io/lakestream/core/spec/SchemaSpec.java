package io.lakestream.core.spec;

import io.lakestream.core.record.Schema;
import java.util.Map;

/**
 * The declared shape of decoded records.
 *
 * @param schema the fields, with nested structs and lists
 * @param timestampFormats how each timestamp field is written in JSON, by dotted path (e.g. {@code
 *     order.created_at}); a timestamp field not listed is an ISO-8601 string
 */
public record SchemaSpec(Schema schema, Map<String, TimestampFormat> timestampFormats) {
  public SchemaSpec {
    timestampFormats = Map.copyOf(timestampFormats);
  }

  /** How a timestamp is written in the input. */
  public enum TimestampFormat {
    ISO_8601,
    EPOCH_SECONDS,
    EPOCH_MILLIS,
    EPOCH_MICROS
  }
}
