package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import io.lakestream.core.source.SplitReader;
import io.lakestream.core.source.SplitStart;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task reading a share of a source's splits with its own {@link SplitReader}, for every kind of
 * source. Barriers are answered between poll batches, where the reader is at a boundary, so a
 * checkpoint's positions are exactly after the last records its committables hold. Splits that
 * appear while the pipeline runs are added at the next such point. In a bounded run a task that has
 * read all its splits keeps answering barriers until the pipeline stops.
 *
 * @param <R> what the reader produces
 */
final class SourceTask<R> {
  private static final Logger LOG = LoggerFactory.getLogger(SourceTask.class);
  private static final long POLL_MILLIS = 100;

  private final int taskId;
  private final TaskControl control;
  private final SplitReader<R> reader;
  private final SourceInput<R> input;
  private final ExchangeTarget exchange;
  private final LongSupplier nanoTime;
  private final List<String> splitIds = new ArrayList<>();
  private final ConcurrentLinkedQueue<List<SplitStart>> added = new ConcurrentLinkedQueue<>();
  private final SplitReader.Handler<R> handler = this::take;
  private RecordFailure failure;
  private boolean idle;

  /**
   * @param exchange where rows go when the pipeline has keyed steps, or null
   * @param nanoTime the pipeline's monotonic time, for event-time idleness
   */
  SourceTask(
      int taskId,
      SplitReader<R> reader,
      SourceInput<R> input,
      ExchangeTarget exchange,
      List<SplitStart> splits,
      LongSupplier nanoTime) {
    this.taskId = taskId;
    this.control = new TaskControl("task-" + taskId);
    this.reader = reader;
    this.input = input;
    this.exchange = exchange;
    this.nanoTime = nanoTime;
    added.add(List.copyOf(splits));
  }

  Task task() {
    return control;
  }

  /** Starts the task on its own thread; the reader and the writers are closed when it ends. */
  Thread start() {
    return control.start(this::run, input, reader);
  }

  /** Hands the task more splits to read; safe from any thread. */
  void add(List<SplitStart> splits) {
    added.add(List.copyOf(splits));
  }

  private void run() throws InterruptedException {
    takeAdded();
    while (control.running()) {
      if (reader.atBoundary()) {
        takeAdded();
        if (idle) {
          control.answerNext(this::snapshot, POLL_MILLIS);
        } else {
          control.answerNext(this::snapshot);
        }
      }
      if (!idle) {
        reader.poll(POLL_MILLIS, handler);
        updateIdle();
      }
      if (exchange != null) {
        afterBatch();
      }
    }
  }

  private void takeAdded() {
    List<SplitStart> splits;
    while ((splits = added.poll()) != null) {
      if (splits.isEmpty()) {
        continue;
      }
      reader.add(splits);
      for (SplitStart s : splits) {
        splitIds.add(s.id());
        input.outputs().forEach(o -> o.addSplit(s.id()));
        if (exchange != null) {
          exchange.addSplit(s.id(), nanoTime.getAsLong());
        }
      }
      updateIdle();
    }
  }

  private boolean take(R record, int split) {
    failure = input.process(record, split);
    if (failure != null) {
      LOG.error(
          "{} The pipeline stops; nothing at or after this record is committed.",
          failure.message());
      return false;
    }
    return true;
  }

  private void updateIdle() {
    boolean allFinished = true;
    for (int i = 0; i < splitIds.size(); i++) {
      allFinished &= reader.finished(i);
    }
    idle = failure != null || allFinished;
    control.idle(idle);
  }

  private void afterBatch() {
    int n = splitIds.size();
    boolean[] caughtUp = new boolean[n];
    boolean[] finished = new boolean[n];
    for (int i = 0; i < n; i++) {
      finished[i] = reader.finished(i);
      caughtUp[i] = finished[i] || reader.caughtUp(i);
    }
    exchange.afterBatch(nanoTime.getAsLong(), caughtUp, finished);
    if (idle && failure == null) {
      exchange.endOfInput();
    }
  }

  private TaskSnapshot snapshot(long checkpointId) {
    Map<String, Long> positions = new HashMap<>();
    for (int i = 0; i < splitIds.size(); i++) {
      Long position = reader.position(i);
      if (position == null) { // nothing a restart could resume from yet: hold everything
        return new TaskSnapshot(taskId, checkpointId, Map.of(), Map.of(), Map.of(), false, null);
      }
      positions.put(splitIds.get(i), position);
    }
    Map<String, byte[]> state = new HashMap<>();
    if (exchange != null) {
      exchange.barrier(checkpointId, state);
    }
    input.flushLog();
    Map<String, List<Committable>> committables = new HashMap<>();
    for (TableOutput o : input.outputs()) {
      committables.put(o.table, o.prepareCommit(checkpointId));
    }
    return new TaskSnapshot(
        taskId, checkpointId, positions, committables, state, failure == null && idle, failure);
  }
}
