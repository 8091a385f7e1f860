package io.lakestream.core.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The checkpoint barriers asked of a task that answers them on its own thread between records: the
 * coordinator's side {@link #request}s, the task's side {@link #answer}s. Once the task has exited,
 * every pending and later request fails, so no checkpoint waits forever on a stopped task.
 */
public final class BarrierQueue {
  private final LinkedBlockingQueue<Barrier> pending = new LinkedBlockingQueue<>();
  private volatile Throwable exit;

  /** A barrier for checkpoint {@code checkpointId}; completes with the task's snapshot. */
  public CompletableFuture<TaskSnapshot> request(long checkpointId) {
    Barrier b = new Barrier(checkpointId, new CompletableFuture<>());
    pending.add(b);
    if (exit != null) {
      failPending();
    }
    return b.result;
  }

  /** Answers the oldest pending barrier, if any, with the snapshot taken for its checkpoint. */
  public void answer(LongFunction<TaskSnapshot> snapshot) {
    complete(pending.poll(), snapshot);
  }

  /** Like {@link #answer}, waiting up to {@code waitMillis} for a barrier to arrive. */
  public void answer(LongFunction<TaskSnapshot> snapshot, long waitMillis)
      throws InterruptedException {
    complete(pending.poll(waitMillis, TimeUnit.MILLISECONDS), snapshot);
  }

  /**
   * Completes {@code b} with its snapshot; if taking the snapshot fails (a full disk while the
   * writers close their files, say), the barrier fails with that error, so the checkpoint waiting
   * on it aborts instead of waiting forever, and the error goes on to end the task.
   */
  private static void complete(Barrier b, LongFunction<TaskSnapshot> snapshot) {
    if (b == null) {
      return;
    }
    try {
      b.result.complete(snapshot.apply(b.checkpointId));
    } catch (RuntimeException | Error e) {
      b.result.completeExceptionally(e);
      throw e;
    }
  }

  /** The task has exited because of {@code cause}: fails every barrier, pending or to come. */
  public void exited(Throwable cause) {
    exit = cause;
    failPending();
  }

  private void failPending() {
    Barrier b;
    while ((b = pending.poll()) != null) {
      b.result.completeExceptionally(exit);
    }
  }

  private record Barrier(long checkpointId, CompletableFuture<TaskSnapshot> result) {}
}
