package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one keyed step ({@link KeyedOperator}) for the keys this task owns, reading from every
 * upstream task through an {@link Exchange}.
 *
 * <ul>
 *   <li><b>Watermark</b>: the smallest of the upstream tasks' watermarks, leaving out idle ones
 *       (when all are idle it stays); it never goes back, also across restarts (it is stored with
 *       the state).
 *   <li><b>Barriers</b> are aligned: once the barrier of checkpoint {@code n} has come from one
 *       upstream task, that task's channel is not read until it has come from all. Then the
 *       operator flushes, the barrier goes downstream, the state store is snapshotted and the
 *       writers prepare their committables, so the checkpoint holds exactly the effect of the
 *       events before the barrier.
 *   <li><b>End of input</b> (bounded runs): when every upstream task has ended, the operator emits
 *       what it holds and the task tells the tasks downstream.
 * </ul>
 */
final class KeyedTask implements Task {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedTask.class);
  private static final byte[] WATERMARK_KEY = {0};
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final int taskId;
  private final String name;
  private final Exchange input;
  private final int index;
  private final KeyedOperator operator;
  private final StateStore store;
  private final KeyedOutput output;
  private final boolean eventTime;
  private final Clock clock;

  private final long[] upstreamWatermarks;
  private final boolean[] upstreamIdle;
  private final boolean[] blocked;
  private final boolean[] ended;
  private int barriersSeen;
  private int endedCount;
  private long barrierId = -1;
  private long watermark;
  private boolean finished;

  private final Map<Long, CompletableFuture<TaskSnapshot>> barriers = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile boolean exited;
  private volatile boolean idle;
  private volatile Throwable fatal;

  /**
   * @param name the task's state owner name, e.g. {@code window-1}
   * @param index the task's index among the exchange's downstream tasks
   * @param eventTime whether the watermark is event time (else the clock's time)
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
      Clock clock) {
    this.taskId = taskId;
    this.name = name;
    this.input = input;
    this.index = index;
    this.operator = operator;
    this.store = store;
    this.output = output;
    this.eventTime = eventTime;
    this.clock = clock;
    int upstream = input.upstream();
    this.upstreamWatermarks = new long[upstream];
    java.util.Arrays.fill(upstreamWatermarks, Long.MIN_VALUE);
    this.upstreamIdle = new boolean[upstream];
    this.blocked = new boolean[upstream];
    this.ended = new boolean[upstream];
    byte[] stored = store.get(WATERMARK_KEY);
    this.watermark = stored == null ? Long.MIN_VALUE : ValueCodec.readLongOrdered(stored, 0);
  }

  @Override
  public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
    CompletableFuture<TaskSnapshot> f = future(checkpointId);
    if (exited) {
      failPending();
    }
    return f;
  }

  private CompletableFuture<TaskSnapshot> future(long checkpointId) {
    return barriers.computeIfAbsent(checkpointId, id -> new CompletableFuture<>());
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

  @Override
  public void run() {
    Thread.currentThread().setName("lakestream-" + name);
    input.registerReader(index);
    try (store;
        output) {
      while (running) {
        boolean progressed = false;
        for (int u = 0; u < blocked.length && running; u++) {
          if (blocked[u]) {
            continue;
          }
          Object item = input.poll(u, index);
          if (item != null) {
            progressed = true;
            handle(u, item);
          }
        }
        operator.tick(System.nanoTime(), output);
        if (!eventTime) {
          advanceTo(nowMicros());
        }
        if (!progressed) {
          Exchange.awaitItems(PARK_NANOS);
        }
      }
    } catch (Throwable e) { // also checked exceptions that libraries rethrow unchecked
      LOG.error("Task {} failed", name, e);
      fatal = e;
    } finally {
      exited = true;
      failPending();
    }
  }

  private long nowMicros() {
    return TimeUnit.MILLISECONDS.toMicros(clock.millis());
  }

  private void handle(int u, Object item) throws IOException {
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
        idle = true;
      }
    }
  }

  private long combinedWatermark() {
    long min = Long.MAX_VALUE;
    boolean anyActive = false;
    for (int u = 0; u < upstreamWatermarks.length; u++) {
      if (!upstreamIdle[u]) {
        anyActive = true;
        min = Math.min(min, upstreamWatermarks[u]);
      }
    }
    return anyActive ? min : watermark;
  }

  private void advanceTo(long candidate) {
    if (candidate > watermark) {
      watermark = candidate;
      operator.advance(watermark, output);
      output.watermark(watermark, false);
    }
  }

  private void checkpoint(long id) throws IOException {
    operator.flush(watermark, output);
    byte[] w = new byte[8];
    ValueCodec.writeLongOrdered(w, 0, watermark);
    store.put(WATERMARK_KEY, w);
    output.barrier(id);
    Map<String, byte[]> state = new HashMap<>();
    state.put(name, store.snapshot(id));
    Map<String, List<Committable>> committables = output.prepareCommit(id);
    TaskSnapshot snapshot =
        new TaskSnapshot(taskId, id, Map.of(), committables, state, finished, null);
    future(id).complete(snapshot);
    barriers.keySet().removeIf(old -> old < id - 2);
  }

  private void failPending() {
    Throwable cause =
        fatal != null ? fatal : new PipelineException("Task " + name + " has stopped");
    barriers.values().forEach(f -> f.completeExceptionally(cause));
  }
}
