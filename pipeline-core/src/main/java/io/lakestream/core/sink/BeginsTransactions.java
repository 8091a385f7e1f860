package io.lakestream.core.sink;

/**
 * A {@link SinkCommitter} whose table format makes writers join a transaction before they write
 * (Hudi: one instant per checkpoint, shared by every writer of the table).
 *
 * <p>The runtime calls {@link #begin} from the checkpoint coordinator's thread before the tasks
 * start and again before every checkpoint's barriers, and hands the result to every writer of the
 * table that {@link JoinsTransactions}: before its first row, then right after each {@link
 * SinkWriter#prepareCommit}. So the rows of one checkpoint are written into the transaction begun
 * before its barrier, and the committables a checkpoint commits name it. A transaction that no
 * persisted checkpoint commits (its checkpoint wrote nothing, or the process died first) is the
 * committer's to roll back, at the next recovery at the latest; never one a persisted checkpoint
 * still has to commit. A task that answers a barrier with nothing (its reader has no position yet:
 * an initial snapshot in progress) keeps its writers in their transaction, so one checkpoint's
 * committables may name transactions begun before earlier barriers.
 */
public interface BeginsTransactions {

  /**
   * Begins the transaction the rows after the next barrier are written into.
   *
   * @return an opaque handle the table's writers are given, e.g. an instant time
   */
  byte[] begin();
}
