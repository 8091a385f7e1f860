package io.lakestream.core.source;

import io.lakestream.core.record.Schema;
import java.util.List;
import java.util.Objects;

/**
 * A table a change source reads, as the lake table it becomes: its columns and primary key.
 *
 * @param name the source's name for it, e.g. {@code public.orders}
 * @param schema its columns, in the source's order
 * @param key its primary key columns, in key order
 */
public record SourceTable(String name, Schema schema, List<String> key) {
  public SourceTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    key = List.copyOf(key);
  }
}
