package io.lakestream.core.sink;

import io.lakestream.core.record.Schema;

/**
 * A {@link SinkWriter} whose table can follow its source's schema: a change source tells it before
 * the first row of a new shape. Implemented by the Iceberg upsert writer.
 */
public interface SupportsSchemaChange {

  /**
   * From the next row on, rows have {@code newSchema}: the columns they had, in the same positions,
   * possibly with wider types (int to long, float to double, a decimal with more digits before the
   * point), then new columns. The table's schema changes in the same commit as the rows written
   * after this call.
   *
   * @throws io.lakestream.core.error.PipelineException if the change is not one of those, naming
   *     the column
   */
  void evolve(Schema newSchema);
}
