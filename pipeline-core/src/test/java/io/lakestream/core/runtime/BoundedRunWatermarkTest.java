package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The watermark a bounded run ends with, as docs/stateful.md defines it, is the one the next run
 * starts from. Each run is a source side ({@link ExchangeTarget} and {@link WatermarkTracker}, fed
 * as {@link SourceTask} feeds them) and a window step ({@link KeyedTask} running a {@link
 * WindowOperator}), joined by an {@link Exchange}; a run ends with its checkpoint after the end of
 * input, and the next run restores both sides from that checkpoint.
 */
class BoundedRunWatermarkTest {
  private static final long SECOND = 1_000_000; // micros
  private static final long MINUTE = 60 * SECOND;
  private static final long OUT_OF_ORDERNESS = 5 * SECOND;
  private static final int CATEGORIES = 10;
  private static final String SPLIT = "orders:0";
  private static final Schema ROWS =
      new Schema(
          List.of(
              Field.optional("category", DataType.Primitive.STRING),
              Field.optional("event_time", DataType.Primitive.TIMESTAMP)));
  private static final TransformSpec.Window WINDOW =
      new TransformSpec.Window(
          TransformSpec.Window.Type.TUMBLING,
          Duration.ofMinutes(1),
          null,
          null,
          List.of("category"),
          Map.of("orders", "count(*)"),
          Duration.ZERO,
          null,
          null);

  @TempDir Path dir;
  private StateBackend backend;
  private final List<KeyedTask> tasks = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    stopTasks();
    if (backend != null) {
      backend.close();
    }
  }

  private void stopTasks() throws InterruptedException {
    tasks.forEach(KeyedTask::stop);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertThat(t.isAlive()).as("thread %s still running", t.getName()).isFalse();
    }
    tasks.clear();
    threads.clear();
  }

  /** A writer that keeps the rows it is given. */
  private static final class RecordingWriter implements SinkWriter {
    final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void write(Row row) {
      rows.add(row);
    }

    @Override
    public List<Committable> prepareCommit(long checkpointId) {
      return List.of();
    }

    @Override
    public void close() {}
  }

  /** What one run left behind: the source side's and the window step's checkpointed state. */
  private record Checkpointed(Map<String, byte[]> sourceState, byte[] windowState) {}

  /** One run's window rows and late rows. */
  private record Output(RecordingWriter table, RecordingWriter late) {}

  /**
   * Runs the events at {@code times} (offsets from {@code firstOffset}) through a source side and a
   * window task restored from {@code from}, as a bounded run does: the split reaches its end offset
   * in the poll that reads them, the source task ends its input, and the run ends with checkpoint
   * {@code checkpointId}.
   */
  private Checkpointed boundedRun(
      Checkpointed from,
      long[] times,
      long firstOffset,
      long checkpointId,
      Output output,
      boolean emptySplit)
      throws Exception {
    Exchange exchange = new Exchange(1, 1, new KeyGroups(128));
    StateStore store = backend.open("window-0", from == null ? null : from.windowState());
    PipelineMetrics metrics = new PipelineMetrics();
    KeyColumns group = new KeyColumns(ROWS, List.of("category"), "group-by column");
    WindowOperator operator =
        new WindowOperator(
            "transforms[0].window",
            WINDOW,
            group,
            List.of(AggregateFunction.parse("orders", "count(*)", ROWS)),
            store,
            new LongAdder());
    CheckpointTransactions transactions = new CheckpointTransactions(Map.of()); // none to join
    KeyedOutput keyedOutput =
        new KeyedOutput(
            List.of(),
            null,
            null,
            new TableOutput("shop.orders_per_minute", output.table(), transactions, Map.of()),
            null,
            new TableOutput("shop.orders_per_minute_late", output.late(), transactions, Map.of()),
            null,
            new BadRecords(
                "p", ErrorSpec.Policy.FAIL, null, metrics, Clock.systemUTC(), System::nanoTime),
            metrics);
    KeyedTask task =
        new KeyedTask(
            1,
            "window-0",
            exchange,
            0,
            operator,
            store,
            keyedOutput,
            true,
            Clock.systemUTC(),
            System::nanoTime);
    tasks.add(task);
    threads.add(task.start());

    WatermarkTracker watermarks =
        new WatermarkTracker(
            from == null ? Map.of() : from.sourceState(),
            OUT_OF_ORDERNESS,
            TimeUnit.SECONDS.toNanos(1));
    ExchangeTarget source =
        new ExchangeTarget(
            exchange.sender(0), group, 1, "event_time", watermarks, Clock.systemUTC());
    source.addSplit(SPLIT, System.nanoTime());
    if (emptySplit) {
      source.addSplit("orders:1", System.nanoTime()); // a partition that never had a record
    }
    for (int i = 0; i < times.length; i++) {
      long offset = firstOffset + i;
      source.accept(
          new Row("c" + (offset % CATEGORIES), times[i]),
          new SourceRecord("orders", 0, offset, -1, null, null),
          0);
    }
    boolean[] atEnd = emptySplit ? new boolean[] {true, true} : new boolean[] {true};
    source.afterBatch(System.nanoTime(), atEnd, atEnd.clone());
    source.endOfInput();
    var snapshot = task.task().barrier(checkpointId);
    Map<String, byte[]> sourceState = new HashMap<>();
    source.barrier(checkpointId, sourceState);
    byte[] windowState = snapshot.get(20, TimeUnit.SECONDS).state().get("window-0");
    stopTasks();
    return new Checkpointed(sourceState, windowState);
  }

  /**
   * Run 1 reads events from 0 to 597.5 s of event time, in one poll as a bounded run over a small
   * topic does; run 2 reads three events at about 12 s. The watermark after run 1 is 597.5 s minus
   * the 5 s bound, far past the end of their window [0, 60 s) with no allowed lateness: all three
   * are too late, and no row of that window is written again.
   */
  @ParameterizedTest(name = "with an empty partition: {0}")
  @ValueSource(booleans = {false, true})
  void recordsBehindTheWatermarkOfTheLastBoundedRunAreLate(boolean emptySplit) throws Exception {
    backend = StateBackend.create(StateBackend.MEMORY, dir);
    long[] first = LongStream.rangeClosed(0, 1195).map(k -> k * SECOND / 2).toArray();
    long[] behind = {12 * SECOND, 12 * SECOND + SECOND / 4, 12 * SECOND + SECOND / 2};
    Output run1 = new Output(new RecordingWriter(), new RecordingWriter());
    Checkpointed after1 = boundedRun(null, first, 0, 1, run1, emptySplit);
    assertThat(run1.late().rows).as("late rows of run 1").isEmpty();

    Output run2 = new Output(new RecordingWriter(), new RecordingWriter());
    boundedRun(after1, behind, first.length, 2, run2, emptySplit);

    // the reference: the watermark after run 1, and which of run 2's events it makes too late
    long watermark = LongStream.of(first).max().orElseThrow() - OUT_OF_ORDERNESS;
    List<Long> expectedLate = new ArrayList<>();
    for (int i = 0; i < behind.length; i++) {
      long windowEnd = Math.floorDiv(behind[i], MINUTE) * MINUTE + MINUTE;
      if (windowEnd <= watermark) {
        expectedLate.add(first.length + (long) i);
      }
    }
    assertThat(expectedLate).as("the reference's late events").hasSize(3);
    assertThat(run2.late().rows)
        .as("late rows of run 2 (source_offset)")
        .extracting(r -> r.get(r.size() - 1))
        .containsExactlyInAnyOrderElementsOf(expectedLate);
    assertThat(run2.late().rows)
        .as("late_watermark of run 2's late rows")
        .extracting(r -> r.get(ROWS.size() + 1))
        .containsOnly(watermark);
    assertThat(run2.table().rows)
        .as("rows run 2 wrote for window [0, 60 s)")
        .filteredOn(r -> (Long) r.get(0) == 0L)
        .isEmpty();
  }
}
