package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.RecordSource;
import io.lakestream.core.source.Source;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.source.SplitStart;
import io.lakestream.core.source.TableChange;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's tasks and the exchanges between them. Source tasks each read a share of the source's
 * splits (at most {@code parallelism} tasks, splits dealt out in turn); a pipeline of rows with
 * keyed steps adds {@code parallelism} keyed tasks per step behind an exchange. Splits that appear
 * while the pipeline runs are dealt out the same way.
 */
final class Topology implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

  /** How long stopped tasks get to close their files before the run returns without them. */
  static final Duration TASK_EXIT = Duration.ofSeconds(30);

  private final PipelineSpec spec;
  private final RunOptions options;
  private final PipelineMetrics metrics;
  private final OutputTables tables;
  private final Recovery recovery;
  private final List<SourceTask<?>> sources = new ArrayList<>();
  private final List<KeyedTask> keyed = new ArrayList<>();
  private final List<Exchange> exchanges = new ArrayList<>();
  private final Set<String> splits = new LinkedHashSet<>();
  private final List<Thread> threads = new ArrayList<>();
  private int nextShare;

  private Topology(
      PipelineSpec spec,
      RunOptions options,
      PipelineMetrics metrics,
      OutputTables tables,
      Recovery recovery) {
    this.spec = spec;
    this.options = options;
    this.metrics = metrics;
    this.tables = tables;
    this.recovery = recovery;
  }

  /** The tasks of a pipeline reading {@code source}, whose splits are {@code splits} now. */
  static Topology of(
      Source<?> source,
      List<String> splits,
      PipelineSpec spec,
      RunOptions options,
      PipelineMetrics metrics,
      OutputTables tables,
      Recovery recovery,
      Plan plan,
      StateBackend state) {
    Topology t = new Topology(spec, options, metrics, tables, recovery);
    int sourceCount = Math.max(1, Math.min(spec.parallelism(), splits.size()));
    List<List<SplitStart>> shares = t.deal(splits, sourceCount, false);
    if (source instanceof RecordSource records) {
      t.records(records, plan, state, shares);
    } else {
      t.changes((ChangeSource) source, shares);
    }
    return t;
  }

  /**
   * The tasks as the checkpoint coordinator sees them: keyed tasks first, so that a keyed task's
   * barrier is asked for before its sources can send it.
   */
  List<Task> tasks() {
    List<Task> result = new ArrayList<>();
    keyed.forEach(k -> result.add(k.task()));
    sources.forEach(s -> result.add(s.task()));
    return result;
  }

  int sourceTasks() {
    return sources.size();
  }

  /** Starts every task on its own thread. */
  void start() {
    keyed.forEach(k -> threads.add(k.start()));
    sources.forEach(s -> threads.add(s.start()));
  }

  /**
   * Hands the splits of {@code current} not read yet to the source tasks, to be read from their
   * beginning; returns them.
   */
  List<String> addAppeared(List<String> current) {
    List<String> appeared = current.stream().filter(s -> !splits.contains(s)).toList();
    if (!appeared.isEmpty()) {
      List<List<SplitStart>> shares = deal(appeared, sources.size(), true);
      for (int i = 0; i < sources.size(); i++) {
        sources.get(i).add(shares.get(i));
      }
    }
    return appeared;
  }

  /** Splits dealt out in turn, continuing where the last deal stopped. */
  private List<List<SplitStart>> deal(List<String> ids, int tasks, boolean appeared) {
    List<List<SplitStart>> shares = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      shares.add(new ArrayList<>());
    }
    for (String id : ids) {
      splits.add(id);
      shares
          .get(nextShare++ % tasks)
          .add(new SplitStart(id, recovery.positions().get(id), appeared));
    }
    return shares;
  }

  /** Stops every task and waits, up to {@code exit}, for them to close their files. */
  void stop(Duration exit) {
    exchanges.forEach(Exchange::close);
    keyed.forEach(KeyedTask::stop);
    sources.forEach(s -> s.task().stop());
    long deadline = options.nanoTime().getAsLong() + exit.toNanos();
    for (Thread thread : threads) {
      try {
        long left = deadline - options.nanoTime().getAsLong();
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (thread.isAlive()) {
        LOG.warn("{} did not stop within {}; leaving it behind", thread.getName(), exit);
      }
    }
  }

  /** Stops every task, giving them {@link #TASK_EXIT} to close their files. */
  @Override
  public void close() {
    stop(TASK_EXIT);
  }

  // ---- a pipeline of changes: each source table's changes go to its lake table

  private void changes(ChangeSource source, List<List<SplitStart>> shares) {
    Map<String, String> lakeTables = OutputTables.lakeTables(spec, source);
    for (int taskId = 0; taskId < shares.size(); taskId++) {
      Map<String, TableOutput> byLakeTable = new LinkedHashMap<>();
      Map<String, TableOutput> outputs = new LinkedHashMap<>();
      for (SourceTable t : source.tables()) {
        int id = taskId;
        outputs.put(
            t.name(),
            byLakeTable.computeIfAbsent(
                lakeTables.get(t.name()), table -> tables.output(table, id, Map.of())));
      }
      TableOutput deadLetter =
          spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER
              ? tables.output(spec.errors().deadLetterTable(), taskId, Map.of())
              : null;
      sources.add(
          new SourceTask<TableChange>(
              taskId,
              source.reader("task-" + taskId, options.stopAtEnd()),
              new ChangeApplier(
                  source,
                  outputs,
                  deadLetter,
                  badRecords(
                      deadLetter == null
                          ? null
                          : (row, split, offset) -> deadLetter.writer.write(row)),
                  metrics),
              null,
              shares.get(taskId),
              options.nanoTime()));
    }
  }

  // ---- a pipeline of rows: decode, transform, keyed steps, one output table

  private void records(
      RecordSource source, Plan plan, StateBackend state, List<List<SplitStart>> shares) {
    int sourceCount = shares.size();
    int keyedCount = spec.parallelism();
    int upstream = sourceCount;
    KeyGroups keyGroups = new KeyGroups(spec.state().keyGroups());
    for (int i = 0; i < plan.stages.size(); i++) {
      exchanges.add(new Exchange(upstream, keyedCount, keyGroups));
      upstream = keyedCount;
    }
    exchanges.forEach(metrics::watch);
    for (int s = plan.stages.size() - 1; s >= 0; s--) {
      Plan.Stage stage = plan.stages.get(s);
      boolean window = stage.step() instanceof TransformSpec.Window;
      KeyColumns key =
          new KeyColumns(stage.input(), stage.key(), window ? "group-by column" : "key column");
      List<StateStore> stores =
          KeyedState.open(
              state,
              stage::owner,
              keyedCount,
              keyGroups,
              recovery.state(),
              recovery.keyGroups(),
              window ? WindowOperator.routing(key) : DedupeOperator.routing(key));
      for (int i = 0; i < keyedCount; i++) {
        int taskId = sourceCount + s * keyedCount + i;
        keyed.add(keyedTask(plan, s, i, taskId, stores.get(i), key));
      }
    }
    for (int taskId = 0; taskId < sourceCount; taskId++) {
      sources.add(sourceTask(source, plan, taskId, shares.get(taskId)));
    }
  }

  private SourceTask<SourceRecord> sourceTask(
      RecordSource source, Plan plan, int taskId, List<SplitStart> share) {
    String table = spec.sink().table();
    List<TableOutput> outputs = new ArrayList<>();
    TableOutput output = null;
    TableOutput deadLetter = null;
    if (plan.stages.isEmpty()) {
      output = sourceOutput(table, taskId);
      outputs.add(output);
    }
    boolean changes = Formats.changes(spec);
    if (changes && output != null && !(output.writer instanceof SupportsDelete)) {
      throw new PipelineException(
          "Format "
              + spec.kafka().format().name()
              + " carries deletes, but the sink of table "
              + table
              + " cannot delete rows: write it in upsert mode keyed by the table's primary key"
              + " (for Iceberg: sink.iceberg.mode: upsert and sink.iceberg.key)");
    }
    if (spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER) {
      deadLetter = sourceOutput(spec.errors().deadLetterTable(), taskId);
      outputs.add(deadLetter);
    }
    RecordProcessor.RowTarget target;
    ExchangeTarget exchange = null;
    if (plan.stages.isEmpty()) {
      target = new TableTarget(output, metrics);
    } else {
      Plan.Stage first = plan.stages.get(0);
      Schema rows = first.input();
      WatermarkTracker watermarks =
          spec.eventTime() == null
              ? null
              : new WatermarkTracker(
                  recovery.state(),
                  WatermarkTracker.micros(spec.eventTime().maxOutOfOrderness()),
                  spec.eventTime().idleTimeout().toNanos());
      exchange =
          new ExchangeTarget(
              exchanges.get(0).sender(taskId),
              new KeyColumns(rows, first.key(), "key column"),
              spec.eventTime() == null ? -1 : rows.position(spec.eventTime().field()).orElseThrow(),
              spec.eventTime() == null ? null : spec.eventTime().field(),
              watermarks,
              options.clock());
      target = exchange;
    }
    RecordProcessor processor =
        new RecordProcessor(
            changes ? null : Formats.decoder(spec),
            changes ? Formats.changeDecoder(spec) : null,
            plan.head.newChain(),
            target,
            outputs,
            badRecords(deadLetter == null ? null : deadLetter::write),
            metrics,
            spec.kafka().tombstones(),
            Formats.tombstoneKeys(spec, output));
    return new SourceTask<>(
        taskId,
        source.reader("task-" + taskId, options.stopAtEnd()),
        processor,
        exchange,
        share,
        options.nanoTime());
  }

  private KeyedTask keyedTask(
      Plan plan, int s, int i, int taskId, StateStore store, KeyColumns key) {
    Plan.Stage stage = plan.stages.get(s);
    boolean last = s == plan.stages.size() - 1;
    TableOutput deadLetter =
        spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER
            ? keyedOutput(spec.errors().deadLetterTable(), taskId)
            : null;
    KeyedOperator operator;
    TableOutput late = null;
    if (stage.step() instanceof TransformSpec.Window w) {
      operator =
          new WindowOperator(
              "transforms[" + spec.transforms().indexOf(w) + "].window",
              w,
              key,
              Plan.aggregates(w, stage.input()),
              store,
              metrics.late);
      late = keyedOutput(w.lateTable(), taskId);
    } else {
      TransformSpec.Dedupe d = (TransformSpec.Dedupe) stage.step();
      operator =
          new DedupeOperator(
              key,
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
            last ? keyedOutput(spec.sink().table(), taskId) : null,
            last ? plan.output : null,
            late,
            deadLetter,
            badRecords(
                deadLetter == null ? null : (row, split, offset) -> deadLetter.writer.write(row)),
            metrics);
    KeyedTask task =
        new KeyedTask(
            taskId,
            stage.owner(i),
            exchanges.get(s),
            i,
            operator,
            store,
            output,
            spec.eventTime() != null,
            options.clock(),
            options.nanoTime());
    metrics.watch(task);
    return task;
  }

  /** A source task's writer, skipping what the table already holds of each split. */
  private TableOutput sourceOutput(String table, int taskId) {
    return tables.output(table, taskId, recovery.floors().getOrDefault(table, Map.of()));
  }

  /** A keyed task's writer: no floors, a stateful pipeline always resumes from a checkpoint. */
  private TableOutput keyedOutput(String table, int taskId) {
    return tables.output(table, taskId, Map.of());
  }

  private BadRecords badRecords(BadRecords.DeadLetterWriter deadLetter) {
    return new BadRecords(
        spec.pipeline(),
        spec.errors().policy(),
        deadLetter,
        metrics,
        options.clock(),
        options.nanoTime());
  }
}
