package io.lakestream.core.runtime;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.TransformSpec.Dedupe.Keep;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a restart takes to move a dedupe's state from 2 tasks to 3 ({@link KeyedState}): the
 * setup feeds {@code keys} distinct event ids (1 ms apart, 1 h TTL, so none expires) through two
 * keep-first dedupes on RocksDB, flushes and snapshots them; each measured run opens three stores
 * from those snapshots, which reads every entry once and writes it into its new owner.
 *
 * <p>Run: {@code mvn -pl pipeline-core test-compile exec:exec@jmh} (all benchmarks), or pass {@code
 * RescaleBenchmark} to JMH's main class.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class RescaleBenchmark {
  private static final KeyGroups KEY_GROUPS = new KeyGroups(128);
  private static final long START_MICROS = 1_764_000_000_000_000L;
  private static final int BATCH = 256;

  @Param({"2500000"})
  public int keys;

  private Path dir;
  private StateBackend state;
  private KeyColumns key;
  private final Map<String, byte[]> handles = new HashMap<>();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("rescale-benchmark");
    state = StateBackend.create(StateBackend.ROCKSDB, dir);
    Schema schema = new Schema(List.of(Field.required("event_id", DataType.Primitive.LONG)));
    key = new KeyColumns(schema, List.of("event_id"), "key column");
    List<StateStore> stores = new ArrayList<>();
    List<DedupeOperator> dedupes = new ArrayList<>();
    List<List<Event>> pending = new ArrayList<>();
    for (int task = 0; task < 2; task++) {
      StateStore store = state.open("dedupe-" + task, null);
      stores.add(store);
      dedupes.add(
          new DedupeOperator(key, TimeUnit.HOURS.toMicros(1), Keep.FIRST, store, new LongAdder()));
      pending.add(new ArrayList<>());
    }
    RecordingEmitter out = new RecordingEmitter(1);
    for (long id = 0; id < keys; id++) {
      Row row = new Row(id);
      int task = KEY_GROUPS.owner(key.hash(row), 2);
      pending.get(task).add(new Event(row, START_MICROS + id * 1_000, null));
      if (pending.get(task).size() == BATCH) {
        dedupes.get(task).processBatch(pending.get(task).toArray(new Event[0]), BATCH, 0, out);
        pending.get(task).clear();
        out.emitted.clear();
      }
    }
    for (int task = 0; task < 2; task++) {
      List<Event> rest = pending.get(task);
      dedupes.get(task).processBatch(rest.toArray(new Event[0]), rest.size(), 0, out);
      dedupes.get(task).flush(START_MICROS, out);
      handles.put("dedupe-" + task, stores.get(task).snapshot(1));
      stores.get(task).close();
    }
  }

  @Benchmark
  public void rescaleTwoToThree() {
    List<StateStore> stores =
        KeyedState.open(
            state,
            i -> "dedupe-" + i,
            3,
            KEY_GROUPS,
            handles,
            KEY_GROUPS.count(),
            DedupeOperator.routing(key));
    stores.forEach(StateStore::close);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    state.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
