package io.lakestream.core.runtime;

import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.JsonFormat;
import io.lakestream.core.decode.JsonKeyDecoder;
import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.kafka.BrokerWatch;
import io.lakestream.core.kafka.KafkaSource;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.ChangeSourceFactory;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.spec.Units;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline: recovers, starts one task per share of the source partitions, checkpoints
 * on the interval, and stops cleanly when asked (or at the end of its input, in a bounded run).
 *
 * <pre>
 * CREATED ──run()──► RECOVERING ──► RUNNING ──stop() / end of input──► STOPPING ──► STOPPED
 *                         │             │                                  │
 *                         └─────────────┴──────── error ──────────────────┴──► FAILED
 * </pre>
 *
 * A bad record under the {@code fail} policy ends the run in STOPPED after committing everything
 * before it; {@link RunResult#failure()} then names it.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Lifecycle states; see the class diagram. */
  public enum State {
    CREATED,
    RECOVERING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final PipelineSpec spec;
  private final RunOptions options;
  private final PipelineMetrics metrics = new PipelineMetrics();
  private volatile State state = State.CREATED;
  private volatile boolean stopRequested;
  private volatile Thread runThread;

  /** How long stopped tasks get to close their files before the run returns without them. */
  private static final Duration TASK_EXIT = Duration.ofSeconds(30);

  public Pipeline(PipelineSpec spec, RunOptions options) {
    this.spec = spec;
    this.options = options;
  }

  public State state() {
    return state;
  }

  /**
   * Asks a running pipeline to take a last checkpoint, commit it and stop; returns at once, and
   * {@link #run} returns once that checkpoint is committed. Safe to call from any thread.
   */
  public void stop() {
    stopRequested = true;
    Thread starting = runThread;
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
    if (state != State.CREATED) {
      throw new IllegalStateException("A pipeline runs once; state is " + state);
    }
    state = State.RECOVERING;
    long startNanos = System.nanoTime();
    try {
      RunResult result = runStages(startNanos);
      state = State.STOPPED;
      return result;
    } catch (StoppedWhileStarting e) {
      LOG.info("Pipeline {} stopped before it started; nothing was committed", spec.pipeline());
      state = State.STOPPED;
      return new RunResult(
          0, 0, metrics.snapshot(), Duration.ofNanos(System.nanoTime() - startNanos), null);
    } catch (PipelineException | SpecException | Error e) {
      state = State.FAILED;
      throw e;
    } catch (RuntimeException e) {
      // a failure of the machinery around the pipeline (catalog, disk, network): said in words
      String when = state == State.RECOVERING ? " could not start" : " failed";
      state = State.FAILED;
      throw failed("Pipeline " + spec.pipeline() + when, e);
    }
  }

  private RunResult runStages(long startNanos) {
    PipelineChecks.require(spec); // the checks of lakestream validate, before anything opens
    if (!(spec.source() instanceof KafkaSourceSpec)) {
      return runChangeSource(startNanos);
    }
    String id = spec.pipeline();
    Plan plan = Plan.of(spec.transforms(), spec.schema().schema());
    if (!plan.stages.isEmpty()) {
      StateBackend.prepare(SpecOption.choiceName(spec.state().backend()));
    }
    SinkFactory factory =
        SinkFactories.find(spec.sink().type())
            .orElseThrow(() -> new PipelineException("No sink of type " + spec.sink().type()));
    try (KafkaSource source = new KafkaSource(spec.kafka(), id)) {
      // the brokers and topics are checked before any table or checkpoint is touched
      LOG.info(
          "Asking Kafka at {} for the partitions of {}",
          spec.kafka().bootstrapServers(),
          spec.kafka().topicPattern() != null
              ? "the topics matching " + spec.kafka().topicPattern()
              : String.join(", ", spec.kafka().topics()));
      List<TopicPartition> partitions = whileStarting(source::partitions);
      try (CheckpointStore store = new CheckpointStore(spec.checkpoint().dir(), id);
          BrokerWatch brokers = source.watch(options.clock());
          Sinks sinks = openSinks(factory, plan);
          StateBackend stateBackend = openState(plan)) {
        CheckpointCoordinator coordinator =
            coordinator(store, sinks, positions -> source.acknowledge(toPartitions(positions)));
        Recovery recovery = coordinator.recover();
        checkStateCanResume(plan, recovery);
        Map<TopicPartition, Long> start = startPositions(source, partitions, recovery);
        Map<TopicPartition, Long> end = options.stopAtEnd() ? source.endOffsets(partitions) : null;
        Topology topology =
            new Topology(plan, sinks, stateBackend, recovery, source, partitions, start, end);
        List<Task> tasks = topology.tasks;
        List<Thread> threads = startAll(tasks);
        LOG.info(
            "Pipeline {} running: {} partitions, {} tasks, checkpoint every {}{}",
            id,
            partitions.size(),
            tasks.size(),
            Units.formatDuration(spec.checkpoint().interval()),
            options.stopAtEnd() ? ", stopping at the end offsets seen now" : "");
        try (StatusLine status =
            statusLine(
                recovery,
                () -> source.lag(partitions, coordinator.lastPositions()),
                coordinator,
                brokers::stall)) {
          return loop(
              coordinator,
              recovery.nextCheckpointId(),
              tasks,
              status,
              startNanos,
              () -> retainState(stateBackend, store));
        } finally {
          topology.exchanges.forEach(Exchange::close);
          tasks.forEach(Task::stop);
          joinAll(threads);
        }
      }
    }
  }

  /**
   * Runs a pipeline whose source is a database's change stream: one task reads it and applies every
   * change to the lake table of its source table, keyed by the source table's primary key.
   */
  private RunResult runChangeSource(long startNanos) {
    String id = spec.pipeline();
    SinkFactory factory =
        SinkFactories.find(spec.sink().type())
            .orElseThrow(() -> new PipelineException("No sink of type " + spec.sink().type()));
    ChangeSourceFactory sourceFactory =
        ServiceLoader.load(ChangeSourceFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.accepts(spec.source()))
            .findFirst()
            .orElseThrow(
                () ->
                    new PipelineException(
                        "No reader for this source on the class path: it comes with the"
                            + " lakestream-cdc module"));
    try (ChangeSource source = whileStarting(() -> sourceFactory.open(spec.source(), id));
        CheckpointStore store = new CheckpointStore(spec.checkpoint().dir(), id);
        Sinks sinks = openChangeSinks(factory, source.tables())) {
      CheckpointCoordinator coordinator =
          coordinator(
              store,
              sinks,
              positions -> {
                Long position = positions.get(source.splitId());
                if (position != null) {
                  source.acknowledge(position);
                }
              });
      Recovery recovery = coordinator.recover();
      Map<String, String> lakeTables = lakeTables(source.tables());
      Map<String, TableOutput> byLakeTable = new LinkedHashMap<>();
      Map<String, TableOutput> outputs = new LinkedHashMap<>();
      for (SourceTable t : source.tables()) {
        String table = lakeTables.get(t.name());
        outputs.put(
            t.name(),
            byLakeTable.computeIfAbsent(
                table,
                name ->
                    new TableOutput(name, sinks.opened.get(name).createWriter(0), new long[0])));
      }
      Task task =
          source.task(
              recovery.positions().get(source.splitId()),
              new TableChangeSink(outputs, metrics),
              options.stopAtEnd());
      List<Thread> threads = startAll(List.of(task));
      LOG.info(
          "Pipeline {} running: changes of {}, checkpoint every {}{}",
          id,
          source.tables().stream().map(SourceTable::name).toList(),
          Units.formatDuration(spec.checkpoint().interval()),
          options.stopAtEnd() ? ", stopping at the end of the log as it is now" : "");
      try (StatusLine status =
          statusLine(
              recovery,
              () -> {
                throw new UnsupportedOperationException("no lag for change streams yet");
              },
              coordinator)) {
        return loop(
            coordinator, recovery.nextCheckpointId(), List.of(task), status, startNanos, () -> {});
      } finally {
        task.stop();
        joinAll(threads);
      }
    }
  }

  /**
   * The lake table of each source table: {@code sink.<type>.table} for a single source table; with
   * several, {@code namespace.*} there and {@code namespace.<name>} for each, where the name is the
   * source table's own or its route.
   */
  private Map<String, String> lakeTables(List<SourceTable> tables) {
    String table = spec.sink().table();
    Map<String, String> result = new LinkedHashMap<>();
    if (!table.endsWith(".*")) {
      if (tables.size() != 1) {
        throw new PipelineException(
            "The pipeline reads "
                + tables.size()
                + " tables, so sink."
                + spec.sink().type()
                + ".table must be a namespace followed by .* (e.g. lake.*), not "
                + table);
      }
      result.put(tables.get(0).name(), table);
      return result;
    }
    String namespace = table.substring(0, table.length() - 2);
    Map<String, String> routes = spec.source().routes();
    for (SourceTable t : tables) {
      String own = t.name().substring(t.name().lastIndexOf('.') + 1);
      result.put(t.name(), namespace + "." + routes.getOrDefault(t.name(), own));
    }
    return result;
  }

  /** One sink per lake table; source tables merged into one must agree on columns and key. */
  private Sinks openChangeSinks(SinkFactory factory, List<SourceTable> tables) {
    Map<String, String> lakeTables = lakeTables(tables);
    Map<String, SourceTable> first = new LinkedHashMap<>();
    for (SourceTable t : tables) {
      SourceTable other = first.putIfAbsent(lakeTables.get(t.name()), t);
      if (other != null && (!other.schema().equals(t.schema()) || !other.key().equals(t.key()))) {
        throw new PipelineException(
            "Tables "
                + other.name()
                + " and "
                + t.name()
                + " are merged into "
                + lakeTables.get(t.name())
                + " but differ in their columns or primary key");
      }
    }
    Map<String, Sink> opened = new LinkedHashMap<>();
    try {
      first.forEach(
          (table, source) ->
              opened.put(
                  table,
                  factory.open(
                      new SinkContext(
                          spec.pipeline(),
                          spec.sink().config(),
                          table,
                          source.schema(),
                          SinkContext.Role.OUTPUT,
                          source.key()))));
      return new Sinks(opened);
    } catch (RuntimeException e) {
      opened.values().forEach(Sink::close);
      throw e;
    }
  }

  private StateBackend openState(Plan plan) {
    if (plan.stages.isEmpty()) {
      return null;
    }
    Path dir = spec.checkpoint().dir().resolve("state");
    try {
      return StateBackend.create(SpecOption.choiceName(spec.state().backend()), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the state directory " + dir, e);
    }
  }

  /**
   * A stateful pipeline resumes only from a checkpoint that holds its state, with the same number
   * of keyed tasks.
   */
  private void checkStateCanResume(Plan plan, Recovery recovery) {
    if (plan.stages.isEmpty()) {
      return;
    }
    boolean hasKeyedState = recovery.state().keySet().stream().anyMatch(k -> !isSourceState(k));
    if (!hasKeyedState && !recovery.positions().isEmpty()) {
      throw new PipelineException(
          "Pipeline "
              + spec.pipeline()
              + " keeps state (dedupe or window), but "
              + spec.checkpoint().dir()
              + " holds no checkpoint while its tables record positions. Resuming without the"
              + " state would write wrong results: restore the checkpoint directory, or start"
              + " over with a new pipeline id and new tables.");
    }
    for (String owner : recovery.state().keySet()) {
      if (isSourceState(owner)) {
        continue;
      }
      int index = Integer.parseInt(owner.substring(owner.lastIndexOf('-') + 1));
      if (index >= spec.parallelism()) {
        throw new PipelineException(
            "The checkpoint holds state of task "
                + owner
                + ", but parallelism is now "
                + spec.parallelism()
                + ": the parallelism of a stateful pipeline cannot change while it has state");
      }
    }
  }

  private static boolean isSourceState(String owner) {
    return owner.startsWith("split:");
  }

  /** Drops state snapshots that no checkpoint in the store refers to any more. */
  private static void retainState(StateBackend state, CheckpointStore store) {
    if (state == null) {
      return;
    }
    List<byte[]> live = new ArrayList<>();
    for (Checkpoint cp : store.retained()) {
      cp.state()
          .forEach(
              (owner, handle) -> {
                if (!isSourceState(owner)) {
                  live.add(handle);
                }
              });
    }
    try {
      state.retainOnly(live);
    } catch (IOException e) {
      LOG.warn("Cannot delete old state snapshots in {}", store.dir(), e);
    }
  }

  private CheckpointCoordinator coordinator(
      CheckpointStore store, Sinks sinks, Consumer<Map<String, Long>> acknowledger) {
    return new CheckpointCoordinator(
        spec.pipeline(),
        store,
        sinks.committers(),
        acknowledger,
        options.phaseListener(),
        options.clock(),
        spec.checkpoint().timeout());
  }

  /** The status line, told what a checkpoint in progress is doing and any other stalls. */
  @SafeVarargs
  private StatusLine statusLine(
      Recovery recovery,
      LongSupplier lag,
      CheckpointCoordinator coordinator,
      Supplier<String>... stalls) {
    List<Supplier<String>> all = new ArrayList<>();
    all.add(
        () -> {
          CheckpointCoordinator.Activity a = coordinator.activity();
          long seconds = a == null ? 0 : (options.clock().millis() - a.sinceMillis()) / 1000;
          return seconds < 1
              ? null
              : a.what() + " for " + Units.formatElapsed(Duration.ofSeconds(seconds));
        });
    all.addAll(List.of(stalls));
    return new StatusLine(
        spec.pipeline(), metrics, options, recovery.nextCheckpointId() - 1, lag, all);
  }

  /**
   * Runs a startup step that waits on a source; a stop request made meanwhile interrupts it, so
   * that a pipeline whose source does not answer can still be stopped at once.
   */
  private <T> T whileStarting(Supplier<T> step) {
    runThread = Thread.currentThread();
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
      runThread = null;
    }
  }

  /** A stop request arrived before the pipeline had touched any table. */
  private static final class StoppedWhileStarting extends RuntimeException {
    StoppedWhileStarting() {
      super(null, null, false, false);
    }
  }

  private static List<Thread> startAll(List<Task> tasks) {
    List<Thread> threads = new ArrayList<>();
    for (Task t : tasks) {
      Thread thread = new Thread(t);
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  /** Waits for stopped tasks to finish closing their files; a task that hangs is left behind. */
  private static void joinAll(List<Thread> threads) {
    long deadline = System.nanoTime() + TASK_EXIT.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (thread.isAlive()) {
        LOG.warn("{} did not stop within {}; leaving it behind", thread.getName(), TASK_EXIT);
      }
    }
  }

  private RunResult loop(
      CheckpointCoordinator coordinator,
      long firstId,
      List<Task> tasks,
      StatusLine status,
      long startNanos,
      Runnable afterCommit) {
    state = State.RUNNING;
    long nextId = firstId;
    long committed = 0;
    long intervalNanos = spec.checkpoint().interval().toNanos();
    long nextCheckpointAt = System.nanoTime() + intervalNanos;
    while (true) {
      sleepBriefly();
      for (Task t : tasks) {
        if (t.fatalError() != null) {
          throw failed("A task of the pipeline failed", t.fatalError());
        }
      }
      boolean allIdle = tasks.stream().allMatch(Task::idle);
      if (System.nanoTime() >= nextCheckpointAt || stopRequested || allIdle) {
        if (stopRequested || allIdle) {
          state = State.STOPPING;
        }
        long startedMillis = options.clock().millis();
        CheckpointCoordinator.Outcome outcome;
        try {
          outcome = coordinator.checkpoint(nextId, tasks, () -> stopRequested);
        } catch (CheckpointCoordinator.CheckpointAbortedException e) {
          throw failed(e.getMessage(), e.getCause());
        } catch (IOException e) {
          throw failed(
              "Cannot persist checkpoint "
                  + nextId
                  + " in "
                  + spec.checkpoint().dir()
                  + " (nothing of it was committed)",
              e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PipelineException("Interrupted during checkpoint " + nextId);
        } catch (PipelineException e) {
          throw e;
        } catch (RuntimeException e) {
          throw failed("Checkpoint " + nextId + " failed", e);
        }
        if (outcome.committed()) {
          status.checkpointCommitted(nextId, startedMillis);
          committed++;
          nextId++;
          afterCommit.run();
        }
        nextCheckpointAt = System.nanoTime() + intervalNanos;
        RecordFailure failure =
            outcome.snapshots().stream()
                .map(TaskSnapshot::failure)
                .filter(f -> f != null)
                .findFirst()
                .orElse(null);
        boolean allFinished = outcome.snapshots().stream().allMatch(TaskSnapshot::finished);
        if (failure != null || stopRequested || (options.stopAtEnd() && allFinished)) {
          RunResult result =
              new RunResult(
                  committed,
                  nextId - 1,
                  metrics.snapshot(),
                  Duration.ofNanos(System.nanoTime() - startNanos),
                  failure);
          status.finished(result);
          return result;
        }
      }
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("Interrupted");
    }
  }

  /**
   * The failure of a running pipeline as one message: what failed, the cause in words, and what to
   * do; checkpoints committed before it stay committed.
   */
  private PipelineException failed(String what, Throwable cause) {
    StringBuilder message = new StringBuilder(what);
    if (cause != null) {
      String described = Failures.describe(cause);
      if (!what.contains(described)) {
        message.append(": ").append(described);
      }
    }
    String advice = Failures.advice(cause);
    message
        .append(". ")
        .append(
            advice.isEmpty()
                ? "Checkpoints committed before it stay committed; run again to resume after the"
                    + " last one."
                : advice);
    return new PipelineException(message.toString(), cause);
  }

  private Sinks openSinks(SinkFactory factory, Plan plan) {
    Map<String, Sink> opened = new LinkedHashMap<>();
    try {
      for (TablePlan table : TablePlans.of(spec, plan)) {
        opened.put(table.context().table(), factory.open(table.context()));
      }
      return new Sinks(opened);
    } catch (RuntimeException e) {
      List<Sink> reversed = new ArrayList<>(opened.values());
      java.util.Collections.reverse(reversed);
      reversed.forEach(Sink::close);
      throw e;
    }
  }

  private Map<TopicPartition, Long> startPositions(
      KafkaSource source, List<TopicPartition> partitions, Recovery recovery) {
    List<TopicPartition> unknown = new ArrayList<>();
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long recorded = recovery.positions().get(KafkaSource.splitId(tp));
      if (recorded == null) {
        unknown.add(tp);
      } else {
        start.put(tp, recorded);
      }
    }
    start.putAll(source.startOffsets(unknown));
    return start;
  }

  /**
   * The pipeline's tasks and the exchanges between them: source tasks (one per share of the
   * partitions), then per keyed step {@code parallelism} keyed tasks. Listed downstream first, so
   * that a keyed task's barrier is registered before its sources can send it.
   */
  private final class Topology {
    final List<Task> tasks = new ArrayList<>();
    final List<Exchange> exchanges = new ArrayList<>();

    Topology(
        Plan plan,
        Sinks sinks,
        StateBackend state,
        Recovery recovery,
        KafkaSource source,
        List<TopicPartition> partitions,
        Map<TopicPartition, Long> start,
        Map<TopicPartition, Long> end) {
      int sourceCount = Math.max(1, Math.min(spec.parallelism(), partitions.size()));
      int keyedCount = spec.parallelism();
      int upstream = sourceCount;
      for (int i = 0; i < plan.stages.size(); i++) {
        exchanges.add(new Exchange(upstream, keyedCount));
        upstream = keyedCount;
      }
      List<Task> keyed = new ArrayList<>();
      for (int s = plan.stages.size() - 1; s >= 0; s--) {
        for (int i = 0; i < keyedCount; i++) {
          int taskId = sourceCount + s * keyedCount + i;
          keyed.add(keyedTask(plan, s, i, taskId, sinks, state, recovery));
        }
      }
      tasks.addAll(keyed);
      List<List<TopicPartition>> shares = new ArrayList<>();
      for (int i = 0; i < sourceCount; i++) {
        shares.add(new ArrayList<>());
      }
      for (int i = 0; i < partitions.size(); i++) {
        shares.get(i % sourceCount).add(partitions.get(i));
      }
      for (int taskId = 0; taskId < sourceCount; taskId++) {
        tasks.add(
            sourceTask(plan, taskId, shares.get(taskId), sinks, recovery, source, start, end));
      }
    }

    private Task sourceTask(
        Plan plan,
        int taskId,
        List<TopicPartition> share,
        Sinks sinks,
        Recovery recovery,
        KafkaSource source,
        Map<TopicPartition, Long> start,
        Map<TopicPartition, Long> end) {
      String table = spec.sink().table();
      List<TableOutput> outputs = new ArrayList<>();
      TableOutput output = null;
      TableOutput deadLetter = null;
      if (plan.stages.isEmpty()) {
        output = tableOutput(table, taskId, share, sinks, recovery);
        outputs.add(output);
      }
      RecordFormat format = spec.kafka().format();
      if (format.changes() && output != null && !(output.writer instanceof SupportsDelete)) {
        throw new PipelineException(
            "Format "
                + format.name()
                + " carries deletes, but the sink of table "
                + table
                + " cannot delete rows: write it in upsert mode keyed by the table's primary key"
                + " (for Iceberg: sink.iceberg.mode: upsert and sink.iceberg.key)");
      }
      if (spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER) {
        deadLetter = tableOutput(spec.errors().deadLetterTable(), taskId, share, sinks, recovery);
        outputs.add(deadLetter);
      }
      RecordProcessor.RowTarget target;
      ExchangeTarget exchange = null;
      if (plan.stages.isEmpty()) {
        target = new TableTarget(output);
      } else {
        Plan.Stage first = plan.stages.get(0);
        Schema rows = first.input();
        String[] splitIds = share.stream().map(KafkaSource::splitId).toArray(String[]::new);
        WatermarkTracker watermarks =
            spec.eventTime() == null
                ? null
                : new WatermarkTracker(
                    splitIds,
                    recovery.state(),
                    WatermarkTracker.micros(spec.eventTime().maxOutOfOrderness()),
                    spec.eventTime().idleTimeout().toNanos(),
                    System.nanoTime());
        exchange =
            new ExchangeTarget(
                exchanges.get(0).sender(taskId),
                new KeyColumns(rows, first.key(), "key column"),
                spec.eventTime() == null
                    ? -1
                    : rows.position(spec.eventTime().field()).orElseThrow(),
                spec.eventTime() == null ? null : spec.eventTime().field(),
                watermarks);
        target = exchange;
      }
      RecordProcessor processor =
          new RecordProcessor(
              format.changes() ? null : decoder(),
              format.changes() ? changeDecoder() : null,
              plan.head.newChain(),
              target,
              outputs,
              badRecords(deadLetter == null ? null : deadLetter::write),
              metrics,
              spec.kafka().tombstones(),
              tombstoneKeys(output));
      return new KafkaSourceTask(
          taskId,
          source.newConsumer("lakestream-" + spec.pipeline() + "-" + taskId),
          processor,
          exchange,
          share,
          start,
          end);
    }

    /**
     * Reads the row a tombstone deletes, where tombstones delete: rows go straight from the source
     * into an upsert table, JSON-encoded, and the spec leaves tombstones on {@code auto}.
     */
    private JsonKeyDecoder tombstoneKeys(TableOutput output) {
      boolean deletes =
          spec.kafka().tombstones() == KafkaSourceSpec.Tombstones.AUTO
              && spec.kafka().format() instanceof JsonFormat
              && output != null
              && output.writer instanceof SupportsDelete;
      return deletes
          ? new JsonKeyDecoder(spec.schema(), ((SupportsDelete) output.writer).keyColumns())
          : null;
    }

    private Task keyedTask(
        Plan plan, int s, int i, int taskId, Sinks sinks, StateBackend state, Recovery recovery) {
      Plan.Stage stage = plan.stages.get(s);
      String owner = stage.owner(i);
      StateStore store;
      try {
        store = state.open(owner, recovery.state().get(owner));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot restore the state of " + owner, e);
      }
      boolean last = s == plan.stages.size() - 1;
      TableOutput deadLetter =
          spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER
              ? sideOutput(spec.errors().deadLetterTable(), taskId, sinks)
              : null;
      KeyedOperator operator;
      TableOutput late = null;
      if (stage.step() instanceof TransformSpec.Window w) {
        operator =
            new WindowOperator(
                w,
                new KeyColumns(stage.input(), w.groupBy(), "group-by column"),
                Plan.aggregates(w, stage.input()),
                store,
                metrics.late);
        late = sideOutput(w.lateTable(), taskId, sinks);
      } else {
        TransformSpec.Dedupe d = (TransformSpec.Dedupe) stage.step();
        operator =
            new DedupeOperator(
                new KeyColumns(stage.input(), d.key(), "key column"),
                TimeUnit.NANOSECONDS.toMicros(d.ttl().toNanos()),
                d.keep(),
                store,
                metrics.duplicates);
      }
      Plan.Stage next = last ? null : plan.stages.get(s + 1);
      KeyedOutput output =
          new KeyedOutput(
              stage.after().newChain(),
              last ? null : exchanges.get(s + 1).sender(i),
              last ? null : new KeyColumns(next.input(), next.key(), "key column"),
              last ? sideOutput(spec.sink().table(), taskId, sinks) : null,
              late,
              deadLetter,
              badRecords(
                  deadLetter == null ? null : (row, split, offset) -> deadLetter.writer.write(row)),
              metrics);
      return new KeyedTask(
          taskId,
          owner,
          exchanges.get(s),
          i,
          operator,
          store,
          output,
          spec.eventTime() != null,
          options.clock());
    }

    private TableOutput tableOutput(
        String table, int taskId, List<TopicPartition> share, Sinks sinks, Recovery recovery) {
      Map<String, Long> tableFloors = recovery.floors().getOrDefault(table, Map.of());
      long[] floors = new long[share.size()];
      for (int i = 0; i < share.size(); i++) {
        floors[i] = tableFloors.getOrDefault(KafkaSource.splitId(share.get(i)), 0L);
      }
      return new TableOutput(table, sinks.opened.get(table).createWriter(taskId), floors);
    }

    /** A keyed task's writer: no floors, a stateful pipeline always resumes from a checkpoint. */
    private TableOutput sideOutput(String table, int taskId, Sinks sinks) {
      return new TableOutput(table, sinks.opened.get(table).createWriter(taskId), new long[0]);
    }

    private BadRecords badRecords(BadRecords.DeadLetterWriter deadLetter) {
      return new BadRecords(
          spec.pipeline(), spec.errors().policy(), deadLetter, metrics, options.clock());
    }
  }

  /** Writes a source task's rows and deletes straight to the output table. */
  private final class TableTarget implements RecordProcessor.RowTarget {
    private final TableOutput output;

    TableTarget(TableOutput output) {
      this.output = output;
    }

    @Override
    public void accept(Row row, ConsumerRecord<byte[], byte[]> record, int split) {
      count(output.write(row, split, record.offset()), metrics.out);
    }

    @Override
    public void delete(Row keyRow, ConsumerRecord<byte[], byte[]> record, int split) {
      count(output.delete(keyRow, split, record.offset()), metrics.deleted);
    }

    private void count(boolean written, LongAdder counter) {
      (written ? counter : metrics.alreadyCommitted).increment();
    }

    @Override
    public void evolve(Schema schema) {
      if (!(output.writer instanceof SupportsSchemaChange writer)) {
        throw new PipelineException(
            "The change events' schema changed, and the sink of "
                + output.table
                + " cannot follow");
      }
      LOG.info(
          "The rows of {} gained columns: {}",
          output.table,
          schema.fields().stream().map(f -> f.name() + " " + f.type()).toList());
      writer.evolve(schema);
    }
  }

  private ChangeDecoder changeDecoder() {
    return spec.kafka().format().changeDecoder(spec.schema(), spec.kafka().formatOptions());
  }

  private RecordDecoder decoder() {
    return spec.kafka().format().decoder(spec.schema(), spec.kafka().formatOptions());
  }

  private static Map<TopicPartition, Long> toPartitions(Map<String, Long> positions) {
    Map<TopicPartition, Long> result = new HashMap<>();
    positions.forEach(
        (split, offset) -> {
          int colon = split.lastIndexOf(':');
          result.put(
              new TopicPartition(
                  split.substring(0, colon), Integer.parseInt(split.substring(colon + 1))),
              offset);
        });
    return result;
  }

  /** The pipeline's open sinks, closed together in reverse order of opening. */
  private record Sinks(Map<String, Sink> opened) implements AutoCloseable {
    Map<String, SinkCommitter> committers() {
      Map<String, SinkCommitter> result = new LinkedHashMap<>();
      opened.forEach((name, sink) -> result.put(name, sink.committer()));
      return result;
    }

    @Override
    public void close() {
      List<Sink> reversed = new ArrayList<>(opened.values());
      java.util.Collections.reverse(reversed);
      reversed.forEach(Sink::close);
    }
  }
}
