package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyed tasks reading from an {@link Exchange}: barriers are aligned over the upstream tasks so
 * that a checkpoint holds the effect of exactly the events before the barrier of each; the
 * watermark is the smallest of the upstream tasks'; channels are bounded.
 */
class ExchangeAndAlignmentTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final KeyGroups KEY_GROUPS = new KeyGroups(128);

  @TempDir Path dir;
  private final List<Thread> threads = new ArrayList<>();
  private final List<KeyedTask> tasks = new ArrayList<>();
  private StateBackend backend;

  @AfterEach
  void tearDown() throws InterruptedException {
    stopTasks();
    if (backend != null) {
      backend.close();
    }
  }

  /** Stops the tasks and waits for their threads, which close their stores. */
  private void stopTasks() throws InterruptedException {
    tasks.forEach(KeyedTask::stop);
    for (Thread t : threads) {
      t.join(PATIENCE.toMillis());
      assertThat(t.isAlive()).as("thread %s still running", t.getName()).isFalse();
    }
    threads.clear();
    tasks.clear();
  }

  /** Waits, polling, until {@code condition} holds; fails after {@link #PATIENCE}. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static Event event(long id) {
    return new Event(new Row(id), id, new SourceRecord("events", 0, id, -1, null, null));
  }

  /** The task among {@code n} that owns event {@code id}, as the source tasks route it. */
  private static int owner(long id, int n) {
    return KEY_GROUPS.owner(Long.hashCode(id), n);
  }

  /**
   * Records what it is given; at a flush it writes the ids of the events processed since the last
   * one to the store, as a real operator writes the effect of its events.
   */
  static final class RecordingOperator implements KeyedOperator {
    final StateStore store;
    final Set<Long> processed = Collections.synchronizedSet(new HashSet<>());
    final List<Long> advances = Collections.synchronizedList(new ArrayList<>());
    final List<Set<Long>> atFlush = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> unflushed = new ArrayList<>();

    RecordingOperator(StateStore store) {
      this.store = store;
    }

    /** A copy of the ids processed so far, safe to read while the task runs. */
    Set<Long> processedNow() {
      synchronized (processed) {
        return new HashSet<>(processed);
      }
    }

    List<Long> advancesNow() {
      synchronized (advances) {
        return new ArrayList<>(advances);
      }
    }

    @Override
    public void process(Event event, long watermark, Emitter out) {
      processed.add(event.origin().offset());
      unflushed.add(event.origin().offset());
    }

    @Override
    public void advance(long watermark, Emitter out) {
      advances.add(watermark);
    }

    @Override
    public void tick(long nowNanos, Emitter out) {}

    @Override
    public void flush(long watermark, Emitter out) {
      for (long id : unflushed) {
        store.put(ByteBuffer.allocate(9).put((byte) 1).putLong(id).array(), new byte[0]);
      }
      unflushed.clear();
      synchronized (processed) {
        atFlush.add(new HashSet<>(processed));
      }
    }

    @Override
    public void finish(long watermark, Emitter out) {}
  }

  /** The event ids a store holds. */
  private static Set<Long> ids(StateStore store) {
    Set<Long> ids = new HashSet<>();
    store.scan(
        new byte[] {1},
        new byte[] {2},
        (k, v) -> {
          ids.add(ByteBuffer.wrap(k, 1, 8).getLong());
          return true;
        });
    return ids;
  }

  private RecordingOperator startTask(Exchange exchange, int index, byte[] handle)
      throws IOException {
    if (backend == null) {
      backend = StateBackend.create(StateBackend.MEMORY, dir);
    }
    StateStore store = backend.open("keyed-" + index, handle);
    RecordingOperator operator = new RecordingOperator(store);
    PipelineMetrics metrics = new PipelineMetrics();
    KeyedOutput output =
        new KeyedOutput(
            List.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            new BadRecords(
                "p", ErrorSpec.Policy.FAIL, null, metrics, Clock.systemUTC(), System::nanoTime),
            metrics);
    KeyedTask task =
        new KeyedTask(
            100 + index,
            "keyed-" + index,
            exchange,
            index,
            operator,
            store,
            output,
            true,
            Clock.systemUTC(),
            System::nanoTime);
    tasks.add(task);
    threads.add(task.start());
    return operator;
  }

  private static void send(Exchange.Sender sender, LongStream ids, int downstream) {
    ids.forEach(id -> sender.send(event(id), owner(id, downstream)));
    sender.flush();
  }

  private static Set<Long> owned(LongStream ids, int task, int downstream) {
    Set<Long> result = new HashSet<>();
    ids.filter(id -> owner(id, downstream) == task).forEach(result::add);
    return result;
  }

  private static TaskSnapshot get(CompletableFuture<TaskSnapshot> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aCheckpointHoldsExactlyTheEventsBeforeTheBarrierOfEveryUpstreamTask() throws Exception {
    Exchange exchange = new Exchange(2, 2, KEY_GROUPS);
    Exchange.Sender first = exchange.sender(0);
    Exchange.Sender second = exchange.sender(1);
    RecordingOperator[] operators = {startTask(exchange, 0, null), startTask(exchange, 1, null)};
    List<CompletableFuture<TaskSnapshot>> futures =
        List.of(tasks.get(0).task().barrier(1), tasks.get(1).task().barrier(1));

    // the first upstream task: events, its barrier, more events
    send(first, LongStream.range(0, 600), 2);
    first.broadcast(new Signal.Barrier(1));
    send(first, LongStream.range(1_000, 1_600), 2);
    // the second: events before its barrier, which comes later
    send(second, LongStream.range(2_000, 2_600), 2);
    for (int t = 0; t < 2; t++) {
      Set<Long> expected = owned(LongStream.range(2_000, 2_600), t, 2);
      RecordingOperator op = operators[t];
      await(
          "task " + t + " has read the second task's events",
          () -> op.processed.containsAll(expected));
    }

    for (int t = 0; t < 2; t++) {
      assertThat(futures.get(t))
          .as("task %d's checkpoint before the second barrier", t)
          .isNotDone();
      assertThat(operators[t].processedNow())
          .as("task %d read events sent after the first task's barrier", t)
          .doesNotContainAnyElementsOf(LongStream.range(1_000, 1_600).boxed().toList());
    }

    send(second, LongStream.range(3_000, 3_600), 2);
    second.broadcast(new Signal.Barrier(1));
    send(second, LongStream.range(4_000, 4_600), 2);

    for (int t = 0; t < 2; t++) {
      TaskSnapshot snapshot = get(futures.get(t));
      Set<Long> before = new HashSet<>();
      before.addAll(owned(LongStream.range(0, 600), t, 2));
      before.addAll(owned(LongStream.range(2_000, 2_600), t, 2));
      before.addAll(owned(LongStream.range(3_000, 3_600), t, 2));
      assertThat(operators[t].atFlush).as("task %d's flushes", t).hasSize(1);
      assertThat(operators[t].atFlush.get(0))
          .as("task %d's events at the checkpoint", t)
          .isEqualTo(before);
      assertThat(snapshot.checkpointId()).isEqualTo(1);
      assertThat(snapshot.state()).containsOnlyKeys("keyed-" + t);
    }
    for (int t = 0; t < 2; t++) {
      Set<Long> all = new HashSet<>(operators[t].atFlush.get(0));
      all.addAll(owned(LongStream.range(1_000, 1_600), t, 2));
      all.addAll(owned(LongStream.range(4_000, 4_600), t, 2));
      RecordingOperator op = operators[t];
      await("task " + t + " has read everything", () -> op.processed.equals(all));
    }

    // the state in the checkpoint is the state at the barrier, not what came after
    List<byte[]> handles = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      handles.add(get(futures.get(t)).state().get("keyed-" + t));
    }
    stopTasks();
    for (int t = 0; t < 2; t++) {
      try (StateStore restored = backend.open("keyed-" + t, handles.get(t))) {
        Set<Long> expected = new HashSet<>(owned(LongStream.range(0, 600), t, 2));
        expected.addAll(owned(LongStream.range(2_000, 2_600), t, 2));
        expected.addAll(owned(LongStream.range(3_000, 3_600), t, 2));
        assertThat(ids(restored)).as("task %d's restored state", t).isEqualTo(expected);
      }
    }
  }

  @Test
  void theWatermarkIsTheSmallestOfTheActiveUpstreamTasksAndSurvivesARestart() throws Exception {
    Exchange exchange = new Exchange(2, 1, KEY_GROUPS);
    Exchange.Sender first = exchange.sender(0);
    Exchange.Sender second = exchange.sender(1);
    RecordingOperator op = startTask(exchange, 0, null);

    first.broadcast(new Signal.Watermark(100, false));
    send(first, LongStream.of(1), 1);
    await("the first marker", () -> op.processed.contains(1L));
    assertThat(op.advancesNow()).as("the second task has sent no watermark yet").isEmpty();

    second.broadcast(new Signal.Watermark(50, false));
    send(second, LongStream.of(2), 1);
    await("the second marker", () -> op.processed.contains(2L));
    second.broadcast(new Signal.Watermark(200, false));
    send(second, LongStream.of(3), 1);
    await("the third marker", () -> op.processed.contains(3L));
    first.broadcast(new Signal.Watermark(100, true)); // idle: no longer holds it back
    send(first, LongStream.of(4), 1);
    await("the fourth marker", () -> op.processed.contains(4L));
    second.broadcast(new Signal.Watermark(200, true)); // all idle: it stays
    send(second, LongStream.of(5), 1);
    await("the fifth marker", () -> op.processed.contains(5L));

    assertThat(op.advancesNow()).containsExactly(50L, 100L, 200L);

    CompletableFuture<TaskSnapshot> f = tasks.get(0).task().barrier(7);
    first.broadcast(new Signal.Barrier(7));
    second.broadcast(new Signal.Barrier(7));
    byte[] handle = get(f).state().get("keyed-0");
    stopTasks();

    Exchange again = new Exchange(2, 1, KEY_GROUPS);
    Exchange.Sender firstAgain = again.sender(0);
    Exchange.Sender secondAgain = again.sender(1);
    RecordingOperator restored = startTask(again, 0, handle);
    firstAgain.broadcast(new Signal.Watermark(150, false));
    secondAgain.broadcast(new Signal.Watermark(180, false));
    send(secondAgain, LongStream.of(6), 1);
    send(firstAgain, LongStream.of(7), 1);
    await("the markers after the restart", () -> restored.processed.containsAll(List.of(6L, 7L)));
    firstAgain.broadcast(new Signal.Watermark(300, false));
    secondAgain.broadcast(new Signal.Watermark(250, false));
    send(secondAgain, LongStream.of(8), 1);
    send(firstAgain, LongStream.of(9), 1);
    await("the last markers", () -> restored.processed.containsAll(List.of(8L, 9L)));

    assertThat(restored.advancesNow())
        .as("never below the watermark stored, 200")
        .containsExactly(250L);
  }

  @Test
  void aSenderWaitsWhileItsChannelIsFullInsteadOfBuffering() throws Exception {
    Exchange exchange = new Exchange(1, 1, KEY_GROUPS);
    Exchange.Sender sender = exchange.sender(0);
    int total = 20 * Exchange.BATCH;
    AtomicInteger sent = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> {
              try {
                for (long id = 0; id < total; id++) {
                  sender.send(event(id), 0);
                  sent.incrementAndGet();
                }
                sender.flush();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    threads.add(producer);
    producer.start();

    await("the sender waits", () -> producer.getState() == Thread.State.TIMED_WAITING);

    // 16 full batches are in the channel; the 17th waits to be handed over
    assertThat(sent.get()).isEqualTo(17 * Exchange.BATCH - 1);
    List<Long> received = new ArrayList<>();
    await(
        "everything is received",
        () -> {
          Object item;
          while ((item = exchange.poll(0, 0)) != null) {
            Exchange.EventBatch batch = (Exchange.EventBatch) item;
            for (int i = 0; i < batch.size(); i++) {
              received.add(batch.events()[i].origin().offset());
            }
          }
          return received.size() == total;
        });
    producer.join(PATIENCE.toMillis());
    assertThat(failure.get()).isNull();
    assertThat(received).isEqualTo(LongStream.range(0, total).boxed().toList());
  }

  @Test
  void closingTheExchangeReleasesASenderWaitingForAFullChannel() throws Exception {
    Exchange exchange = new Exchange(1, 1, KEY_GROUPS);
    Exchange.Sender sender = exchange.sender(0);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> {
              try {
                for (long id = 0; ; id++) {
                  sender.send(event(id), 0);
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    threads.add(producer);
    producer.start();
    await("the sender waits", () -> producer.getState() == Thread.State.TIMED_WAITING);

    exchange.close();
    producer.join(PATIENCE.toMillis());

    assertThat(producer.isAlive()).isFalse();
    assertThatThrownBy(
            () -> {
              throw failure.get();
            })
        .isInstanceOf(PipelineException.class)
        .hasMessage("The pipeline is shutting down");
  }
}
