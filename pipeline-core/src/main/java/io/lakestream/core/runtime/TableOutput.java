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

  void write(Row row, int split, long offset) {
    if (offset >= floors[split]) {
      writer.write(row);
    }
  }

  /**
   * Removes the row with the key of {@code keyRow}; the writer supports deletes (checked at start).
   */
  void delete(Row keyRow, int split, long offset) {
    if (offset >= floors[split]) {
      ((SupportsDelete) writer).delete(keyRow);
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
