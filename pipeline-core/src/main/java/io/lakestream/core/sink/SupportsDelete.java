package io.lakestream.core.sink;

import io.lakestream.core.record.Row;
import java.util.List;

/**
 * A {@link SinkWriter} that can remove rows by key: a writer of a table with a primary key (such as
 * an Iceberg sink in {@code upsert} mode) implements it, an append-only writer does not. The
 * runtime checks for it with {@code instanceof} before sending deletes (CDC deletes, retracted
 * window results).
 *
 * <p>A writer that implements this interface treats every {@link SinkWriter#write} as an upsert:
 * the row replaces any earlier row with the same key. Writes and deletes take effect in the order
 * they are called, within and across checkpoints, and become visible together with the checkpoint's
 * other changes when it is committed. Rows of one key must always go to the same task's writer.
 */
public interface SupportsDelete {

  /**
   * Removes the row with the key of {@code row}, whether it was written earlier in this checkpoint
   * or committed by an earlier one; a key the table does not hold is no error. Only the key columns
   * of {@code row} are read; its other values may be null. The row must not be changed afterwards
   * by the caller.
   *
   * @throws io.lakestream.core.error.PipelineException if a key column of {@code row} is null
   * @throws java.io.UncheckedIOException if a delete file cannot be written
   */
  void delete(Row row);

  /** The key columns, top-level columns of the rows, in key order. */
  List<String> keyColumns();
}
