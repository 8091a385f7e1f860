package io.lakestream.core.runtime;

import io.lakestream.core.sink.BeginsTransactions;
import io.lakestream.core.sink.JoinsTransactions;
import io.lakestream.core.sink.SinkCommitter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open transaction of every table whose committer {@link BeginsTransactions}: begun on the
 * coordinator's thread before the tasks start and before each checkpoint's barriers, joined by each
 * writer of the table before its first row and right after each of its barriers. At most one
 * checkpoint is in flight and every task joins before it answers its barrier, so a task never joins
 * a transaction begun for a later barrier than its own.
 */
final class CheckpointTransactions {
  private final Map<String, BeginsTransactions> committers = new LinkedHashMap<>();
  private volatile Map<String, byte[]> open = Map.of();

  /** The tables among {@code committers} (by table name) whose committers begin transactions. */
  CheckpointTransactions(Map<String, SinkCommitter> committers) {
    committers.forEach(
        (table, c) -> {
          if (c instanceof BeginsTransactions b) {
            this.committers.put(table, b);
          }
        });
  }

  /** Begins the transactions the rows after the next barrier go into. */
  void begin() {
    if (committers.isEmpty()) {
      return;
    }
    Map<String, byte[]> next = new LinkedHashMap<>();
    committers.forEach((table, c) -> next.put(table, c.begin()));
    open = Map.copyOf(next);
  }

  /** Makes {@code output}'s writer write into its table's open transaction, if it joins them. */
  void join(TableOutput output) {
    if (output.writer instanceof JoinsTransactions j) {
      byte[] transaction = open.get(output.table);
      if (transaction == null) {
        throw new IllegalStateException(
            "The writer of " + output.table + " joins transactions, but its committer began none");
      }
      j.join(transaction);
    }
  }
}
