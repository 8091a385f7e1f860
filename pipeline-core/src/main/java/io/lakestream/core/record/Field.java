package io.lakestream.core.record;

import java.util.Objects;

/**
 * One named, typed column of a {@link Schema}.
 *
 * @param name column name, unique within its schema
 * @param type logical type
 * @param required whether a value must be present (a missing value is a record error)
 * @param doc free text carried into the table schema, may be null
 */
public record Field(String name, DataType type, boolean required, String doc) {
  public Field {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public static Field optional(String name, DataType type) {
    return new Field(name, type, false, null);
  }

  public static Field required(String name, DataType type) {
    return new Field(name, type, true, null);
  }
}
