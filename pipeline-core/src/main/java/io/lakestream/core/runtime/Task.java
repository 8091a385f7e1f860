package io.lakestream.core.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * One thread's share of a pipeline as the checkpoint coordinator sees it: a source task reads its
 * splits, a keyed task runs a stateful step for its share of the keys; both write their rows and
 * answer checkpoint barriers between records ({@link TaskControl} is their side of it).
 */
public interface Task {

  /**
   * Asks the task to take checkpoint {@code checkpointId} at its next record boundary (a keyed
   * task: once the barrier has arrived from every upstream task): record its positions and state
   * and prepare its writers' committables.
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

  /** Makes the task return after its current batch; writers are closed uncommitted. */
  void stop();
}
