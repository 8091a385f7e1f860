package io.lakestream.core.transform;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlContext;

/**
 * Exposes one row's columns to an expression as variables, by name. A struct column is seen as a
 * read-only map of its fields, so {@code customer.id} works. Read-only: expressions compute values,
 * they do not assign columns. One context per task, pointed at each row in turn.
 */
final class RowContext implements JexlContext {
  private final Schema schema;
  private final Map<String, Integer> positions = new HashMap<>();
  private Row row;

  RowContext(Schema schema) {
    this.schema = schema;
    for (int i = 0; i < schema.size(); i++) {
      positions.put(schema.field(i).name(), i);
    }
  }

  RowContext at(Row row) {
    this.row = row;
    return this;
  }

  @Override
  public Object get(String name) {
    Integer p = positions.get(name);
    return p == null ? null : view(row.get(p), schema.field(p).type());
  }

  private static Object view(Object value, DataType type) {
    if (value instanceof Row nested && type instanceof DataType.Struct struct) {
      return new StructView(nested, struct.schema());
    }
    return value;
  }

  /** A nested row as an unmodifiable map from field name to value, for property access. */
  private static final class StructView extends AbstractMap<String, Object> {
    private final Row row;
    private final Schema schema;

    StructView(Row row, Schema schema) {
      this.row = row;
      this.schema = schema;
    }

    @Override
    public Object get(Object key) {
      int p = key instanceof String name ? schema.position(name).orElse(-1) : -1;
      return p < 0 ? null : view(row.get(p), schema.field(p).type());
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Set<Entry<String, Object>> entries = new LinkedHashSet<>();
      for (int i = 0; i < schema.size(); i++) {
        entries.add(
            new SimpleImmutableEntry<>(schema.field(i).name(), get(schema.field(i).name())));
      }
      return entries;
    }
  }

  @Override
  public void set(String name, Object value) {
    throw new UnsupportedOperationException("Expressions cannot assign columns: " + name);
  }

  @Override
  public boolean has(String name) {
    return positions.containsKey(name);
  }
}
