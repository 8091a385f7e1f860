package io.lakestream.core.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * One thread's share of a pipeline: reads its splits, processes records and writes them, and
 * answers checkpoint barriers between records. Runs on its own thread until {@link #stop()}.
 */
public interface SourceTask extends Runnable {

  /**
   * Asks the task to take checkpoint {@code checkpointId} at its next record boundary: record its
   * positions and prepare its writers' committables.
   *
   * @return completes with the task's snapshot, or exceptionally if the task has died
   */
  CompletableFuture<TaskSnapshot> barrier(long checkpointId);

  /**
   * Whether the task has read everything it was asked to (bounded runs) or stopped on a bad record.
   */
  boolean idle();

  /** The error that killed the task, or null while it is healthy. */
  Throwable fatalError();

  /** Makes {@link #run()} return after the current batch; writers are closed uncommitted. */
  void stop();
}
