package io.lakestream.core.runtime;

import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.source.AcknowledgesPositions;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.RecordSource;
import io.lakestream.core.source.ReportsProgress;
import io.lakestream.core.source.Source;
import io.lakestream.core.source.SourceFactory;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.Units;
import io.lakestream.core.state.StateBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline, from start to end ({@link PipelineState} draws its lifecycle): checks the
 * spec, asks the source for its splits before anything else is touched, opens the checkpoint store,
 * the tables and the state, recovers, starts the tasks ({@link Topology}), runs the checkpoint loop
 * ({@link CheckpointLoop}) and closes everything in reverse order. The same path serves every
 * source.
 *
 * <p>A bad record under the {@code fail} policy ends the run in STOPPED after committing everything
 * before it; {@link RunResult#failure()} then names it.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final PipelineSpec spec;
  private final RunOptions options;
  private final PipelineMetrics metrics = new PipelineMetrics();
  private volatile PipelineState state = PipelineState.CREATED;
  private volatile boolean stopRequested;
  private volatile Thread startingThread;
  private volatile long runningSinceMillis;
  private volatile Supplier<CheckpointCoordinator.Activity> activity = () -> null;

  public Pipeline(PipelineSpec spec, RunOptions options) {
    this.spec = spec;
    this.options = options;
  }

  public PipelineState state() {
    return state;
  }

  /**
   * Asks a running pipeline to take a last checkpoint, commit it and stop; returns at once, and
   * {@link #run} returns once that checkpoint is committed. Safe to call from any thread.
   */
  public void stop() {
    stopRequested = true;
    Thread starting = startingThread;
    if (starting != null) {
      starting.interrupt();
    }
  }

  /**
   * Runs the pipeline on the calling thread until it is stopped, reaches the end of its input
   * (bounded runs) or stops on a bad record.
   *
   * @throws PipelineException if it cannot start or fails while running; checkpoints committed
   *     before the failure stay committed and a restart resumes after them
   */
  public RunResult run() {
    moveTo(PipelineState.RECOVERING);
    long startNanos = options.nanoTime().getAsLong();
    try {
      RunResult result = runStages(startNanos);
      moveTo(PipelineState.STOPPED);
      return result;
    } catch (StoppedWhileStarting e) {
      LOG.info("Pipeline {} stopped before it started; nothing was committed", spec.pipeline());
      moveTo(PipelineState.STOPPED);
      return new RunResult(0, 0, metrics.snapshot(), elapsedSince(startNanos), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      moveTo(PipelineState.FAILED);
      throw new PipelineException("Pipeline " + spec.pipeline() + " was interrupted");
    } catch (PipelineException | SpecException | Error e) {
      moveTo(PipelineState.FAILED);
      throw e;
    } catch (RuntimeException e) {
      // a failure of the machinery around the pipeline (catalog, disk, network): said in words
      String when = state == PipelineState.RECOVERING ? " could not start" : " failed";
      moveTo(PipelineState.FAILED);
      throw Failures.failure("Pipeline " + spec.pipeline() + when, e);
    }
  }

  /** Moves the lifecycle on, refusing a move {@link PipelineState#next()} does not allow. */
  private synchronized void moveTo(PipelineState next) {
    if (next == state) {
      return;
    }
    if (!state.next().contains(next)) {
      throw new IllegalStateException(
          "Pipeline " + spec.pipeline() + " cannot go from " + state + " to " + next);
    }
    state = next;
    if (next == PipelineState.RUNNING) {
      runningSinceMillis = options.clock().millis();
    }
  }

  /**
   * Whether the pipeline is ready: it runs, and its last checkpoint completed (committed, or found
   * nothing new) less than {@code metrics.ready-intervals} checkpoint intervals ago, counting from
   * when it started to run before its first one. Safe to call from any thread.
   */
  public Readiness readiness() {
    PipelineState now = state;
    CheckpointCoordinator.Activity doing = activity.get();
    String what = doing == null ? "" : "; now " + doing.what();
    if (now != PipelineState.RUNNING) {
      return new Readiness(false, "the pipeline is " + now.name().toLowerCase(Locale.ROOT) + what);
    }
    long last = metrics.lastCompletedMillis();
    Duration age =
        Duration.ofMillis(options.clock().millis() - (last < 0 ? runningSinceMillis : last));
    Duration limit = spec.checkpoint().interval().multipliedBy(spec.metrics().readyIntervals());
    if (age.compareTo(limit) <= 0) {
      return new Readiness(true, "running");
    }
    return new Readiness(
        false,
        (last < 0
                ? "no checkpoint completed since the pipeline started "
                : "the last checkpoint completed ")
            + Units.formatElapsed(age)
            + " ago, more than metrics.ready-intervals ("
            + spec.metrics().readyIntervals()
            + ") x checkpoint.interval ("
            + Units.formatDuration(spec.checkpoint().interval())
            + ")"
            + what);
  }

  /**
   * Whether a pipeline is ready, and if not, why.
   *
   * @param reason what the pipeline does, or why it is not ready
   */
  public record Readiness(boolean ready, String reason) {}

  /**
   * The value of every metric of {@link Metrics} the pipeline has now. Safe to call from any
   * thread; asks the source for its lag, which takes a few seconds at most.
   */
  public List<Metric.Sample> samples() {
    List<String> labels = List.of(spec.pipeline(), spec.writer());
    List<Metric.Sample> result =
        new ArrayList<>(metrics.samples(spec.pipeline(), spec.writer(), options.clock().millis()));
    PipelineState now = state;
    boolean running = now == PipelineState.RUNNING || now == PipelineState.STOPPING;
    result.add(Metrics.RUNNING.sample(labels, running ? 1 : 0));
    result.add(Metrics.READY.sample(labels, readiness().ready() ? 1 : 0));
    return result;
  }

  private Duration elapsedSince(long startNanos) {
    return Duration.ofNanos(options.nanoTime().getAsLong() - startNanos);
  }

  private RunResult runStages(long startNanos) throws InterruptedException {
    PipelineChecks.require(spec); // the checks of lakestream validate, before anything opens
    SourceFactory factory = sourceFactory(spec);
    try (Source<?> source =
        whileStarting(
            () -> factory.open(spec.source(), spec.writerId().qualifiedName(), options.clock()))) {
      // the source is asked for its splits before any table or checkpoint is touched
      LOG.info("Asking {} for its splits", source.describe());
      List<String> splits = whileStarting(source::splits);
      Plan plan =
          source instanceof RecordSource
              ? Plan.of(spec.transforms(), spec.schema().schema())
              : null;
      boolean stateful = plan != null && !plan.stages.isEmpty();
      if (stateful) {
        StateBackend.prepare(SpecOption.choiceName(spec.state().backend()));
      }
      try (CheckpointStore store = CheckpointStore.open(spec.checkpoint(), spec.pipeline())) {
        try {
          RunResult result = runWith(store, source, splits, plan, stateful, startNanos);
          if (result.failure() != null) {
            store.recordError(options.clock().instant(), result.failure().message());
          }
          return result;
        } catch (RuntimeException | Error e) {
          // noted once this process owns the directory: what the next `status` shows
          store.recordError(options.clock().instant(), Failures.describe(e));
          throw e;
        }
      }
    }
  }

  /** Runs the pipeline with its checkpoint directory open. */
  private RunResult runWith(
      CheckpointStore store,
      Source<?> source,
      List<String> splits,
      Plan plan,
      boolean stateful,
      long startNanos)
      throws InterruptedException {
    try (OutputTables tables =
            plan != null
                ? OutputTables.of(spec, plan, options.branch())
                : OutputTables.of(spec, (ChangeSource) source, options.branch());
        StateBackend stateBackend = stateful ? openState() : null) {
      CheckpointCoordinator coordinator =
          new CheckpointCoordinator(
              spec.pipeline(),
              store,
              MeasuredCommitter.wrap(tables.committers(), metrics, options),
              acknowledger(source),
              options.phaseListener(),
              options.clock(),
              spec.checkpoint().timeout(),
              new Backoff(options.clock(), spec.checkpoint().retryTimeout()),
              stateful ? spec.state().keyGroups() : 0,
              tables.transactions());
      activity = coordinator::activity;
      Recovery recovery = coordinator.recover();
      metrics.recovered(recovery.nextCheckpointId() - 1);
      metrics.probe(probes(source, coordinator, stateful));
      if (stateful) {
        StateResume.check(spec, recovery);
      }
      try (Topology topology =
              Topology.of(
                  source, splits, spec, options, metrics, tables, recovery, plan, stateBackend);
          StatusLine status = statusLine(recovery, source, coordinator)) {
        topology.start();
        LOG.info(
            "Pipeline {} running: {}, {} splits, {} source tasks, checkpoint every {}{}",
            spec.pipeline(),
            source.describe(),
            splits.size(),
            topology.sourceTasks(),
            Units.formatDuration(spec.checkpoint().interval()),
            options.stopAtEnd() ? ", stopping at the end of the input as it is now" : "");
        return new CheckpointLoop(
                spec,
                options,
                metrics,
                coordinator,
                topology.tasks(),
                new SplitDiscovery(spec.pipeline(), source, topology),
                status,
                () -> StateResume.retain(stateBackend, store),
                this::moveTo,
                () -> stopRequested)
            .run(recovery.nextCheckpointId(), startNanos);
      }
    }
  }

  /** Tells the source which positions are committed, if it wants to know. */
  private static Consumer<Map<String, Long>> acknowledger(Source<?> source) {
    if (source instanceof AcknowledgesPositions a) {
      return a::acknowledge;
    }
    return positions -> {};
  }

  /** The factory on the class path that reads {@code spec}'s source. */
  static SourceFactory sourceFactory(PipelineSpec spec) {
    for (SourceFactory f : ServiceLoader.load(SourceFactory.class)) {
      if (f.accepts(spec.source())) {
        return f;
      }
    }
    throw new PipelineException(
        "No reader for this source type on the class path: is the module that provides it"
            + " (e.g. lakestream-cdc) on it?");
  }

  private StateBackend openState() {
    Path dir = spec.checkpoint().dir().resolve("state");
    try {
      return StateBackend.create(SpecOption.choiceName(spec.state().backend()), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the state directory " + dir, e);
    }
  }

  /** What the metrics can ask the run at scrape time. */
  private PipelineMetrics.Probes probes(
      Source<?> source, CheckpointCoordinator coordinator, boolean stateful) {
    Supplier<Map<String, Long>> lag =
        source instanceof ReportsProgress p ? () -> p.lag(coordinator.lastPositions()) : Map::of;
    Function<Set<String>, Map<String, Long>> waitingSince =
        source instanceof ReportsProgress p
            ? splits -> {
              Map<String, Long> last = coordinator.lastPositions();
              Map<String, Long> positions = new HashMap<>();
              splits.forEach(s -> positions.put(s, last.getOrDefault(s, 0L)));
              return p.waitingSince(positions);
            }
            : splits -> Map.of();
    boolean eventTime = stateful && spec.eventTime() != null;
    return new PipelineMetrics.Probes(
        lag,
        waitingSince,
        stateful ? spec.checkpoint().dir().resolve("state") : null,
        eventTime ? spec.sink().table() : null,
        eventTime ? WatermarkTracker.micros(spec.eventTime().maxOutOfOrderness()) : 0);
  }

  /** The status line, told what a checkpoint in progress is doing and what the source waits on. */
  private StatusLine statusLine(
      Recovery recovery, Source<?> source, CheckpointCoordinator coordinator) {
    List<Supplier<String>> stalls = new ArrayList<>();
    stalls.add(
        () -> {
          CheckpointCoordinator.Activity a = coordinator.activity();
          long seconds = a == null ? 0 : (options.clock().millis() - a.sinceMillis()) / 1000;
          return seconds < 1
              ? null
              : a.what() + " for " + Units.formatElapsed(Duration.ofSeconds(seconds));
        });
    ReportsProgress progress = source instanceof ReportsProgress p ? p : null;
    if (progress != null) {
      stalls.add(progress::stall);
    }
    return new StatusLine(
        spec.pipeline(),
        metrics,
        options,
        recovery.nextCheckpointId() - 1,
        () -> {
          if (progress == null) {
            throw new UnsupportedOperationException("this source does not tell its lag");
          }
          Map<String, Long> positions = coordinator.lastPositions();
          Map<String, StatusLine.SplitLag> splits = new TreeMap<>();
          progress
              .lag(positions)
              .forEach(
                  (split, lag) ->
                      splits.put(
                          split, new StatusLine.SplitLag(positions.getOrDefault(split, -1L), lag)));
          return splits;
        },
        stalls);
  }

  /**
   * Runs a startup step that waits on a source; a stop request made meanwhile interrupts it, so
   * that a pipeline whose source does not answer can still be stopped at once.
   */
  private <T> T whileStarting(Supplier<T> step) {
    startingThread = Thread.currentThread();
    try {
      if (stopRequested) {
        throw new StoppedWhileStarting();
      }
      return step.get();
    } catch (RuntimeException e) {
      if (stopRequested) {
        Thread.interrupted(); // the interrupt was ours
        throw new StoppedWhileStarting();
      }
      throw e;
    } finally {
      startingThread = null;
    }
  }

  /** A stop request arrived before the pipeline had touched any table. */
  private static final class StoppedWhileStarting extends RuntimeException {
    StoppedWhileStarting() {
      super(null, null, false, false);
    }
  }
}
