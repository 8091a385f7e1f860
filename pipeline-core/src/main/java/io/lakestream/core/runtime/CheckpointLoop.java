package io.lakestream.core.runtime;

import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.PipelineSpec;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The main loop of a run: takes a checkpoint every {@code checkpoint.interval}, at once when asked
 * to stop or when every task has read all it will read (bounded runs), and ends the run after the
 * checkpoint that follows a stop, the end of input or a bad record under the {@code fail} policy. A
 * task that dies, or a checkpoint that cannot be taken, fails the run.
 *
 * <p>After each checkpoint of an unbounded run it runs {@code betweenCheckpoints} (which looks for
 * splits that appeared, see {@link SplitDiscovery}).
 *
 * <p>Time is the run's monotonic clock ({@link RunOptions#nanoTime()}); the loop itself wakes every
 * {@value #TICK_MILLIS} ms to look.
 */
final class CheckpointLoop {
  static final long TICK_MILLIS = 20;

  private final PipelineSpec spec;
  private final RunOptions options;
  private final PipelineMetrics metrics;
  private final CheckpointCoordinator coordinator;
  private final List<Task> tasks;
  private final Runnable betweenCheckpoints;
  private final StatusLine status;
  private final Runnable afterCommit;
  private final Consumer<PipelineState> moveTo;
  private final BooleanSupplier stopRequested;

  /**
   * @param tasks the tasks, as the checkpoint coordinator asks them
   * @param betweenCheckpoints runs after every checkpoint of an unbounded run
   * @param afterCommit runs after every committed checkpoint (dropping old state snapshots)
   * @param moveTo tells the pipeline's lifecycle that it runs, or stops
   */
  CheckpointLoop(
      PipelineSpec spec,
      RunOptions options,
      PipelineMetrics metrics,
      CheckpointCoordinator coordinator,
      List<Task> tasks,
      Runnable betweenCheckpoints,
      StatusLine status,
      Runnable afterCommit,
      Consumer<PipelineState> moveTo,
      BooleanSupplier stopRequested) {
    this.spec = spec;
    this.options = options;
    this.metrics = metrics;
    this.coordinator = coordinator;
    this.tasks = List.copyOf(tasks);
    this.betweenCheckpoints = betweenCheckpoints;
    this.status = status;
    this.afterCommit = afterCommit;
    this.moveTo = moveTo;
    this.stopRequested = stopRequested;
  }

  /**
   * Runs until the run ends.
   *
   * @param firstId the id of the first checkpoint to take
   * @param startNanos when the run started, on the run's monotonic clock
   */
  RunResult run(long firstId, long startNanos) throws InterruptedException {
    moveTo.accept(PipelineState.RUNNING);
    long nextId = firstId;
    long committed = 0;
    long intervalNanos = spec.checkpoint().interval().toNanos();
    long nextCheckpointAt = options.nanoTime().getAsLong() + intervalNanos;
    while (true) {
      Thread.sleep(TICK_MILLIS);
      for (Task t : tasks) {
        if (t.fatalError() != null) {
          throw Failures.failure("A task of the pipeline failed", t.fatalError());
        }
      }
      boolean stop = stopRequested.getAsBoolean();
      boolean allIdle = tasks.stream().allMatch(Task::idle);
      if (options.nanoTime().getAsLong() < nextCheckpointAt && !stop && !allIdle) {
        continue;
      }
      if (stop || allIdle) {
        moveTo.accept(PipelineState.STOPPING);
      }
      long startedMillis = options.clock().millis();
      long startedNanos = options.nanoTime().getAsLong();
      CheckpointCoordinator.Outcome outcome = checkpoint(nextId);
      metrics.checkpointCompleted(
          nextId, outcome, options.nanoTime().getAsLong() - startedNanos, options.clock().millis());
      if (outcome.committed()) {
        status.checkpointCommitted(nextId, startedMillis);
        committed++;
        nextId++;
        afterCommit.run();
      }
      nextCheckpointAt = options.nanoTime().getAsLong() + intervalNanos;
      RecordFailure failure =
          outcome.snapshots().stream()
              .map(TaskSnapshot::failure)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      boolean allFinished = outcome.snapshots().stream().allMatch(TaskSnapshot::finished);
      if (failure != null || stopRequested.getAsBoolean() || (options.stopAtEnd() && allFinished)) {
        RunResult result =
            new RunResult(
                committed,
                nextId - 1,
                metrics.snapshot(),
                Duration.ofNanos(options.nanoTime().getAsLong() - startNanos),
                failure);
        status.finished(result);
        return result;
      }
      if (!options.stopAtEnd()) {
        betweenCheckpoints.run();
      }
    }
  }

  /**
   * Takes checkpoint {@code id} inside a {@code checkpoint} span ({@link Tracing}), which the table
   * commits' spans are children of.
   */
  private CheckpointCoordinator.Outcome checkpoint(long id) throws InterruptedException {
    Span span =
        Tracing.tracer()
            .spanBuilder("checkpoint")
            .setAttribute(Tracing.PIPELINE, spec.pipeline())
            .setAttribute(Tracing.CHECKPOINT_ID, id)
            .startSpan();
    long recordsBefore = metrics.committedRecords();
    try (Scope scope = span.makeCurrent()) {
      CheckpointCoordinator.Outcome outcome = checkpointUntraced(id);
      span.setAttribute(Tracing.COMMITTED, outcome.committed());
      span.setAttribute(Tracing.RECORDS, metrics.committedRecords() - recordsBefore);
      return outcome;
    } catch (RuntimeException | InterruptedException e) {
      Tracing.failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  private CheckpointCoordinator.Outcome checkpointUntraced(long id) throws InterruptedException {
    boolean completed = false;
    try {
      CheckpointCoordinator.Outcome outcome = coordinator.checkpoint(id, tasks, stopRequested);
      completed = true;
      return outcome;
    } catch (CheckpointCoordinator.CheckpointAbortedException e) {
      throw Failures.failure(e.getMessage(), e.getCause());
    } catch (IOException e) {
      throw Failures.failure(
          "Cannot persist checkpoint "
              + id
              + " in "
              + spec.checkpoint().dir()
              + " (nothing of it was committed)",
          e);
    } catch (PipelineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Failures.failure("Checkpoint " + id + " failed", e);
    } finally {
      if (!completed) {
        metrics.checkpointFailed();
      }
    }
  }
}
