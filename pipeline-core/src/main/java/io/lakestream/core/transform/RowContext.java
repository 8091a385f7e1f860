package io.lakestream.core.transform;

import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.jexl3.JexlContext;

/**
 * Exposes one row's columns to an expression as variables, by name. Read-only: expressions compute
 * values, they do not assign columns. One context per task, pointed at each row in turn.
 */
final class RowContext implements JexlContext {
  private final Map<String, Integer> positions = new HashMap<>();
  private Row row;

  RowContext(Schema schema) {
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
    return p == null ? null : row.get(p);
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
