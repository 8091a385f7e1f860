package io.lakestream.core.spec;

import io.lakestream.core.record.DataType;
import java.util.List;
import java.util.Map;

/** One step of the {@code transforms} list, applied to every record in order. */
public sealed interface TransformSpec {

  /** Keeps records for which the expression is true: {@code - filter: "amount > 0"}. */
  record Filter(String expression) implements TransformSpec {}

  /**
   * Adds a column computed from an expression: {@code - compute: {name: cents, type: long, expr:
   * "amount * 100"}}. The spec parser rejects a name that is already a column.
   */
  record Compute(String name, DataType type, String expression) implements TransformSpec {}

  /** Keeps only the listed columns, in that order: {@code - project: [event_id, amount]}. */
  record Project(List<String> fields) implements TransformSpec {
    public Project {
      fields = List.copyOf(fields);
    }
  }

  /** Renames columns: {@code - rename: {user_id: customer_id}}. */
  record Rename(Map<String, String> renames) implements TransformSpec {
    public Rename {
      renames = Map.copyOf(renames);
    }
  }

  /** Changes column types: {@code - cast: {amount: "decimal(12,2)"}}. */
  record Cast(Map<String, DataType> casts) implements TransformSpec {
    public Cast {
      casts = Map.copyOf(casts);
    }
  }
}
