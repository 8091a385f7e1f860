package io.lakestream.core.runtime;

import io.lakestream.core.record.Row;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;

/**
 * A task's writer for one table, with the table's floor per split: records below the floor are
 * already in that table (recovered from the table's own commit record when the checkpoint directory
 * was lost, or when tables stopped at different checkpoints) and are not written again.
 */
final class TableOutput implements AutoCloseable {
  final String table;
  final SinkWriter writer;
  private final long[] floors;

  TableOutput(String table, SinkWriter writer, long[] floors) {
    this.table = table;
    this.writer = writer;
    this.floors = floors;
  }

  /** Writes {@code row} unless the table already holds it; says whether it was written. */
  boolean write(Row row, int split, long offset) {
    if (offset < floors[split]) {
      return false;
    }
    writer.write(row);
    return true;
  }

  /**
   * Removes the row with the key of {@code keyRow}; the writer supports deletes (checked at start).
   */
  boolean delete(Row keyRow, int split, long offset) {
    if (offset < floors[split]) {
      return false;
    }
    ((SupportsDelete) writer).delete(keyRow);
    return true;
  }

  @Override
  public void close() {
    writer.close();
  }
}
