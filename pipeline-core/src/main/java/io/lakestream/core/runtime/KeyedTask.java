package io.lakestream.core.runtime;

import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs one keyed step ({@link KeyedOperator}) for the keys this task owns, reading from every
 * upstream task through an {@link Exchange}.
 *
 * <ul>
 *   <li><b>Watermark</b>: the smallest of the upstream tasks' watermarks, leaving out idle ones
 *       (when all are idle, the smallest of all); it never goes back, also across restarts (it is
 *       stored with the state).
 *   <li><b>Barriers</b> are aligned: once the barrier of checkpoint {@code n} has come from one
 *       upstream task, that task's channel is not read until it has come from all. Then the
 *       operator flushes, the barrier goes downstream, the state store is snapshotted and the
 *       writers prepare their committables, so the checkpoint holds exactly the effect of the
 *       events before the barrier.
 *   <li><b>End of input</b> (bounded runs): when every upstream task has ended, the operator emits
 *       what it holds and the task tells the tasks downstream.
 * </ul>
 */
final class KeyedTask {
  /** The key the task keeps its watermark under, beside the operator's entries. */
  static final byte[] WATERMARK_KEY = {0};

  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final int taskId;
  private final String name;
  private final TaskControl control;
  private final Exchange input;
  private final int index;
  private final KeyedOperator operator;
  private final StateStore store;
  private volatile long stateKeys = -1;
  private final KeyedOutput output;
  private final boolean eventTime;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private final long[] upstreamWatermarks;
  private final boolean[] upstreamIdle;
  private final boolean[] blocked;
  private final boolean[] ended;
  private int barriersSeen;
  private int endedCount;
  private long barrierId = -1;
  private long watermark;
  private boolean finished;

  /**
   * @param name the task's state owner name, e.g. {@code window-1}
   * @param index the task's index among the exchange's downstream tasks
   * @param eventTime whether the watermark is event time (else the clock's time)
   * @param nanoTime the pipeline's monotonic time, for early firing
   */
  KeyedTask(
      int taskId,
      String name,
      Exchange input,
      int index,
      KeyedOperator operator,
      StateStore store,
      KeyedOutput output,
      boolean eventTime,
      Clock clock,
      LongSupplier nanoTime) {
    this.taskId = taskId;
    this.name = name;
    this.control = new TaskControl(name);
    this.input = input;
    this.index = index;
    this.operator = operator;
    this.store = store;
    this.output = output;
    this.eventTime = eventTime;
    this.clock = clock;
    this.nanoTime = nanoTime;
    int upstream = input.upstream();
    this.upstreamWatermarks = new long[upstream];
    java.util.Arrays.fill(upstreamWatermarks, Long.MIN_VALUE);
    this.upstreamIdle = new boolean[upstream];
    this.blocked = new boolean[upstream];
    this.ended = new boolean[upstream];
    byte[] stored = store.get(WATERMARK_KEY);
    this.watermark = stored == null ? Long.MIN_VALUE : ValueCodec.readLongOrdered(stored, 0);
  }

  Task task() {
    return control;
  }

  /** Starts the task on its own thread; its state store and writers are closed when it ends. */
  Thread start() {
    return control.start(this::run, store, output);
  }

  /** Makes the task return after its current batch, as {@link Task#stop()}. */
  void stop() {
    control.stop();
  }

  private void run() throws IOException {
    input.registerReader(index);
    while (control.running()) {
      boolean progressed = false;
      for (int u = 0; u < blocked.length && control.running(); u++) {
        if (blocked[u]) {
          continue;
        }
        ExchangeItem item = input.poll(u, index);
        if (item != null) {
          progressed = true;
          handle(u, item);
        }
      }
      operator.tick(nanoTime.getAsLong(), output);
      if (!eventTime) {
        advanceTo(nowMicros());
      }
      if (!progressed) {
        Exchange.awaitItems(PARK_NANOS);
      }
    }
  }

  private long nowMicros() {
    return TimeUnit.MILLISECONDS.toMicros(clock.millis());
  }

  private void handle(int u, ExchangeItem item) throws IOException {
    if (item instanceof Exchange.EventBatch batch) {
      operator.processBatch(batch.events(), batch.size(), watermark, output);
    } else if (item instanceof Signal.Watermark w) {
      upstreamWatermarks[u] = w.time();
      upstreamIdle[u] = w.idle();
      if (eventTime) {
        advanceTo(combinedWatermark());
      }
    } else if (item instanceof Signal.Barrier b) {
      blocked[u] = true;
      barrierId = b.checkpointId();
      if (++barriersSeen == blocked.length) {
        checkpoint(barrierId);
        barriersSeen = 0;
        java.util.Arrays.fill(blocked, false);
      }
    } else if (item instanceof Signal.EndOfInput) {
      ended[u] = true;
      if (++endedCount == ended.length) {
        operator.finish(watermark, output);
        output.endOfInput();
        finished = true;
        control.idle(true);
      }
    }
  }

  /**
   * The smallest watermark of the active upstream tasks; when all are idle, the smallest of those
   * that have one (an upstream task that never read a record holds nothing back), as a source task
   * combines its splits. A bounded run's last watermark comes that way: a split that reaches its
   * end offset is idle in the same poll that reads its last records.
   */
  private long combinedWatermark() {
    long min = Long.MAX_VALUE;
    long minOfAll = Long.MAX_VALUE;
    boolean anyActive = false;
    for (int u = 0; u < upstreamWatermarks.length; u++) {
      if (upstreamWatermarks[u] != Long.MIN_VALUE) {
        minOfAll = Math.min(minOfAll, upstreamWatermarks[u]);
      }
      if (!upstreamIdle[u]) {
        anyActive = true;
        min = Math.min(min, upstreamWatermarks[u]);
      }
    }
    return anyActive ? min : minOfAll == Long.MAX_VALUE ? Long.MIN_VALUE : minOfAll;
  }

  private void advanceTo(long candidate) {
    if (candidate > watermark) {
      watermark = candidate;
      operator.advance(watermark, output);
      output.watermark(watermark, false);
    }
  }

  private void checkpoint(long id) {
    control.answer(id, this::snapshot);
  }

  /** The keys of this task's state as of its last snapshot; -1 before the first. */
  long stateKeys() {
    return stateKeys;
  }

  private TaskSnapshot snapshot(long id) {
    operator.flush(watermark, output);
    byte[] w = new byte[8];
    ValueCodec.writeLongOrdered(w, 0, watermark);
    store.put(WATERMARK_KEY, w);
    output.barrier(id);
    Map<String, byte[]> state = new HashMap<>();
    try {
      state.put(name, store.snapshot(id));
      stateKeys = store.keyCount();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot snapshot the state of " + name, e);
    }
    return new TaskSnapshot(
        taskId,
        id,
        Map.of(),
        output.prepareCommit(id),
        state,
        finished,
        null,
        Map.of(name, stateKeys));
  }
}
