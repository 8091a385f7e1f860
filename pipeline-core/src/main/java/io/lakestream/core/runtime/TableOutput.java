package io.lakestream.core.runtime;

import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A task's writer for one table, with the table's floor per split: records below the floor are
 * already in that table (recovered from the table's own commit record when the checkpoint directory
 * was lost, or when tables stopped at different checkpoints) and are not written again.
 */
final class TableOutput implements AutoCloseable {
  final String table;
  final SinkWriter writer;
  private final CheckpointTransactions transactions;
  private final Map<String, Long> floorsBySplit;
  private long[] floors = new long[0];

  /**
   * @param transactions the tables' open transactions, which the writer joins now and after every
   *     barrier
   * @param floorsBySplit the table's floors by split id; splits it has none for start at 0
   */
  TableOutput(
      String table,
      SinkWriter writer,
      CheckpointTransactions transactions,
      Map<String, Long> floorsBySplit) {
    this.table = table;
    this.writer = writer;
    this.transactions = transactions;
    this.floorsBySplit = floorsBySplit;
    transactions.join(this);
  }

  /**
   * Phase one for checkpoint {@code checkpointId}: the writer's committables; then the writer joins
   * the transaction of the rows after this barrier.
   */
  List<Committable> prepareCommit(long checkpointId) {
    List<Committable> committables = writer.prepareCommit(checkpointId);
    transactions.join(this);
    return committables;
  }

  /** The task reads one more split, numbered after the ones before. */
  void addSplit(String splitId) {
    floors = Arrays.copyOf(floors, floors.length + 1);
    floors[floors.length - 1] = floorsBySplit.getOrDefault(splitId, 0L);
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
