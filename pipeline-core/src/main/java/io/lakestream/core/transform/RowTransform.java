package io.lakestream.core.transform;

import io.lakestream.core.record.Row;

/** One step applied to every row; compiled once per task from the spec's transforms. */
public interface RowTransform {

  /**
   * Transforms a row.
   *
   * @return the resulting row (may be the same object), or null to drop it (a filter said no)
   * @throws io.lakestream.core.error.RecordException if the row cannot be transformed
   */
  Row apply(Row row);
}
