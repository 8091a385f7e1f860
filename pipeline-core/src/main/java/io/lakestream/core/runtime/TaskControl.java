package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task side of the checkpoint protocol, one per task; every task runs through it. The
 * coordinator asks for barriers ({@link Task}); the task answers them on its own thread at a point
 * where its effect so far is whole:
 *
 * <ul>
 *   <li>a source task answers the oldest barrier asked of it between poll batches ({@link
 *       #answerNext}), so a checkpoint's positions are exactly after the last records its
 *       committables hold;
 *   <li>a keyed task answers barrier {@code n} once it has arrived from every upstream task ({@link
 *       #answer}): barriers travel with the events, so its state and committables hold exactly the
 *       effect of the events before them.
 * </ul>
 *
 * A snapshot that cannot be taken (a full disk while the writers close their files) fails its
 * barrier with that error and ends the task. Once the task has exited, for whatever reason, every
 * pending and later barrier fails, so no checkpoint waits forever on a task that is gone.
 */
final class TaskControl implements Task {
  private static final Logger LOG = LoggerFactory.getLogger(TaskControl.class);

  /** What a task does on its thread, while {@link #running()}. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  private final String name;
  private final ConcurrentSkipListMap<Long, Answer> barriers = new ConcurrentSkipListMap<>();
  private volatile Thread thread;
  private volatile boolean running = true;
  private volatile boolean idle;
  private volatile Throwable fatal;
  private volatile Throwable exit;

  /**
   * @param name the task's name in thread names and log lines, e.g. {@code task-0}
   */
  TaskControl(String name) {
    this.name = name;
  }

  /** Runs {@code body} on a new thread named after the task; returns that thread, started. */
  Thread start(Body body, AutoCloseable... resources) {
    Thread t = new Thread(() -> runBody(body, resources), "lakestream-" + name);
    thread = t;
    t.start();
    return t;
  }

  private void runBody(Body body, AutoCloseable... resources) {
    Throwable failure = null;
    try {
      body.run();
    } catch (Throwable e) { // also checked exceptions that libraries rethrow unchecked
      failure = e;
    }
    try {
      Resources.closeInReverse(Arrays.asList(resources));
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      die(new PipelineException("Task " + name + " was interrupted"));
    } else if (failure != null) {
      die(failure);
    }
    // no barrier may wait forever on a task that has stopped, whatever stopped it
    exit = fatal != null ? fatal : new PipelineException("Task " + name + " has stopped");
    failPending();
  }

  private void die(Throwable e) {
    LOG.error("Task {} failed", name, e);
    fatal = e;
  }

  // ---- the coordinator's side

  /**
   * One barrier's answer. A checkpoint that commits nothing is taken again under the same id, so an
   * answer the coordinator was already handed belongs to an earlier round: it is never handed out
   * or completed again, or the snapshot taken for the new round (with the committables of the rows
   * since) would be dropped while its positions move on.
   */
  private record Answer(CompletableFuture<TaskSnapshot> future, boolean asked) {
    static Answer fresh(boolean asked) {
      return new Answer(new CompletableFuture<>(), asked);
    }
  }

  @Override
  public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
    CompletableFuture<TaskSnapshot> f =
        barriers
            .compute(
                checkpointId,
                (id, old) ->
                    old == null || old.asked()
                        ? Answer.fresh(true)
                        : new Answer(old.future(), true))
            .future();
    if (exit != null) {
      failPending();
    }
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
    return f;
  }

  @Override
  public boolean idle() {
    return idle;
  }

  @Override
  public Throwable fatalError() {
    return fatal;
  }

  @Override
  public void stop() {
    running = false;
  }

  // ---- the task's side

  boolean running() {
    return running;
  }

  void idle(boolean value) {
    idle = value;
  }

  /** Answers the oldest barrier asked of this task, if any, with the snapshot taken for it. */
  void answerNext(LongFunction<TaskSnapshot> snapshot) {
    Map.Entry<Long, Answer> next = barriers.pollFirstEntry();
    if (next != null) {
      complete(next.getKey(), next.getValue().future(), snapshot);
    }
  }

  /** Like {@link #answerNext}, first waiting up to {@code waitMillis} for a barrier to be asked. */
  void answerNext(LongFunction<TaskSnapshot> snapshot, long waitMillis) {
    if (barriers.isEmpty()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(waitMillis));
    }
    answerNext(snapshot);
  }

  /**
   * Answers barrier {@code checkpointId}, which arrived with the task's input (it may do so before
   * the coordinator asks for it).
   */
  void answer(long checkpointId, LongFunction<TaskSnapshot> snapshot) {
    Answer answer =
        barriers.compute(
            checkpointId,
            (id, old) ->
                old == null || (old.asked() && old.future().isDone()) ? Answer.fresh(false) : old);
    complete(checkpointId, answer.future(), snapshot);
    barriers.headMap(checkpointId - 2).clear(); // answered long ago, asked for or not
  }

  private static void complete(
      long checkpointId, CompletableFuture<TaskSnapshot> f, LongFunction<TaskSnapshot> snapshot) {
    try {
      f.complete(snapshot.apply(checkpointId));
    } catch (RuntimeException | Error e) {
      f.completeExceptionally(e);
      throw e;
    }
  }

  private void failPending() {
    Map.Entry<Long, Answer> e;
    while ((e = barriers.pollFirstEntry()) != null) {
      e.getValue().future().completeExceptionally(exit);
    }
  }
}
