package io.lakestream.core.sink;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Phase two of the two-phase commit for one table. Called from the checkpoint coordinator's thread
 * only. Every commit records the pipeline id, the checkpoint id and the source positions in the
 * table itself, so that the table alone tells what it holds.
 */
public interface SinkCommitter extends AutoCloseable {

  /**
   * Makes this process the only writer of the pipeline into this table: records a new fencing epoch
   * in the table, so that any older instance's next commit fails with {@link
   * io.lakestream.core.error.FencedException}.
   */
  void fence();

  /**
   * The last checkpoint this table records for the pipeline, with the source positions committed
   * with it; empty if the pipeline never committed to this table.
   */
  Optional<CommittedCheckpoint> lastCommitted();

  /**
   * Commits the committables of one checkpoint in one atomic table commit recording {@code
   * checkpointId} and {@code positions}. Idempotent: when the table already records this checkpoint
   * (or a later one) for the pipeline, nothing is committed and the result says so.
   *
   * @throws io.lakestream.core.error.FencedException if a newer instance owns the pipeline
   * @throws io.lakestream.core.error.CommitStateUnknownException if the catalog could not say
   *     whether the commit happened; the caller must reconcile by reading the table, never retry
   *     blindly
   */
  CommitResult commit(
      long checkpointId, Map<String, Long> positions, List<Committable> committables);

  /**
   * Releases what the committer holds (a write client, connections) once the pipeline stops; called
   * before its {@link Sink} is closed. The default holds nothing.
   */
  @Override
  default void close() {}

  /**
   * The checkpoint a table records for a pipeline.
   *
   * @param checkpointId the checkpoint id
   * @param positions source positions after the last record included, by split id
   */
  record CommittedCheckpoint(long checkpointId, Map<String, Long> positions) {
    public CommittedCheckpoint {
      positions = Map.copyOf(positions);
    }
  }

  /**
   * The outcome of {@link #commit}.
   *
   * @param committed false when the table already held this checkpoint
   * @param files data files added
   * @param records rows added
   * @param bytes size of the files added (data and delete files), as the table records them
   * @param snapshotId the table's snapshot (or instant) id after the commit, for logs
   */
  record CommitResult(boolean committed, int files, long records, long bytes, String snapshotId) {}
}
