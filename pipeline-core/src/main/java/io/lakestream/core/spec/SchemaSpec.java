package io.lakestream.core.spec;

import io.lakestream.core.record.Schema;
import java.util.List;
import java.util.Map;

/**
 * The declared shape of decoded records.
 *
 * @param schema the fields, with nested structs and lists
 * @param timestampFormats how each timestamp field is written in JSON, by dotted path (e.g. {@code
 *     order.created_at}); the elements of a list share the list's path ({@code events.at} for the
 *     field {@code at} of a list of structs {@code events}). {@link SpecParser} lists every
 *     timestamp, also those written in the default ISO-8601; a timestamp field not listed is an
 *     ISO-8601 string
 */
public record SchemaSpec(Schema schema, Map<String, TimestampFormat> timestampFormats) {
  public SchemaSpec {
    timestampFormats = Map.copyOf(timestampFormats);
  }

  /**
   * The schema of a spec without a {@code schema} section whose columns come from elsewhere (the
   * source's tables, the records' own schema): no fields.
   */
  public static SchemaSpec undeclared() {
    return new SchemaSpec(new Schema(List.of()), Map.of());
  }

  /** Whether the spec declared the fields; false for {@link #undeclared()}. */
  public boolean declared() {
    return schema.size() > 0;
  }

  /** How a timestamp is written in the input. */
  public enum TimestampFormat {
    ISO_8601,
    EPOCH_SECONDS,
    EPOCH_MILLIS,
    EPOCH_MICROS
  }
}
