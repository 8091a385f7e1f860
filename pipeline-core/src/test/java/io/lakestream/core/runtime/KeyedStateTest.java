package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KeyedState}: state written by one layout is restored under another with every key on the
 * task that owns it and the operators behaving as if nothing moved. The expected behaviour comes
 * from the records that made the state (see the fixture's README), never from the restored state.
 */
class KeyedStateTest {
  private static final long BASE = 1_700_000_000_000_000L;
  private static final long SECOND = 1_000_000;
  private static final Path FIXTURE =
      Path.of("src/test/resources/fixtures/state-before-key-groups");
  private static final KeyGroups KEY_GROUPS = new KeyGroups(128);

  private static final Schema IDS =
      new Schema(List.of(Field.optional("id", DataType.Primitive.LONG)));
  private static final KeyColumns ID = new KeyColumns(IDS, List.of("id"), "key column");
  private static final long DEDUPE_TTL = 600 * SECOND;
  private static final long DEDUPE_WATERMARK = BASE + 1500 * SECOND;

  private static final Schema ROWS =
      new Schema(
          List.of(
              Field.optional("category", DataType.Primitive.STRING),
              Field.optional("qty", DataType.Primitive.LONG)));
  private static final KeyColumns CATEGORY =
      new KeyColumns(ROWS, List.of("category"), "group-by column");
  private static final long WINDOW_WATERMARK = BASE + 900 * SECOND;

  @TempDir Path dir;

  private Checkpoint fixture() throws IOException {
    try (Stream<Path> files = Files.walk(FIXTURE)) {
      for (Path from : files.sorted(Comparator.naturalOrder()).toList()) {
        Path to = dir.resolve(FIXTURE.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    try (CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), "fixture")) {
      return store.latest().orElseThrow();
    }
  }

  private static Event event(Row row, long time, long offset) {
    return new Event(row, time, new SourceRecord("events", 0, offset, -1, null, null));
  }

  private static long watermarkOf(StateStore store) {
    return ValueCodec.readLongOrdered(store.get(KeyedTask.WATERMARK_KEY), 0);
  }

  @ParameterizedTest(name = "at parallelism {0}")
  @ValueSource(ints = {1, 2, 3})
  void aDedupeWrittenBeforeKeyGroupsKnowsEveryUnexpiredKeyOnItsNewOwner(int parallelism)
      throws IOException {
    Checkpoint cp = fixture();
    assertThat(cp.keyGroups()).isZero();
    try (StateBackend backend = StateBackend.create(StateBackend.ROCKSDB, dir.resolve("state"))) {
      List<StateStore> stores =
          KeyedState.open(
              backend,
              i -> "dedupe-" + i,
              parallelism,
              KEY_GROUPS,
              cp.state(),
              cp.keyGroups(),
              DedupeOperator.routing(ID));

      LongAdder duplicates = new LongAdder();
      List<DedupeOperator> operators = new ArrayList<>();
      for (StateStore store : stores) {
        assertThat(watermarkOf(store)).isEqualTo(DEDUPE_WATERMARK);
        operators.add(
            new DedupeOperator(ID, DEDUPE_TTL, TransformSpec.Dedupe.Keep.FIRST, store, duplicates));
      }
      RecordingEmitter out = new RecordingEmitter(1);
      long expectedDuplicates = 0;
      for (long id = 0; id < 2000; id++) {
        long time = BASE + id * SECOND;
        Row row = new Row(new Object[] {id});
        operators
            .get(KEY_GROUPS.owner(ID.hash(row), parallelism))
            .process(event(row, time, id), DEDUPE_WATERMARK, out);
        if (time + DEDUPE_TTL > DEDUPE_WATERMARK) {
          expectedDuplicates++; // seen before the checkpoint and not expired at its watermark
        }
      }

      assertThat(duplicates.sum()).isEqualTo(expectedDuplicates).isPositive();
      assertThat(out.emitted).hasSize((int) (2000 - expectedDuplicates));
      for (int task = 0; task < parallelism; task++) {
        assertOnlyOwnKeys(stores.get(task), (byte) 1, 1, ID, task, parallelism);
      }
    }
  }

  @ParameterizedTest(name = "at parallelism {0}")
  @ValueSource(ints = {1, 2, 3})
  void windowsWrittenBeforeKeyGroupsFireOnTheirNewOwners(int parallelism) throws IOException {
    Checkpoint cp = fixture();
    Map<String, String> aggregates = new LinkedHashMap<>();
    aggregates.put("orders", "count(*)");
    aggregates.put("units", "sum(qty)");
    TransformSpec.Window spec =
        new TransformSpec.Window(
            TransformSpec.Window.Type.TUMBLING,
            Duration.ofSeconds(10),
            null,
            null,
            List.of("category"),
            aggregates,
            Duration.ofSeconds(5),
            null,
            "late");
    List<AggregateFunction> functions = new ArrayList<>();
    aggregates.forEach((name, f) -> functions.add(AggregateFunction.parse(name, f, ROWS)));
    try (StateBackend backend = StateBackend.create(StateBackend.ROCKSDB, dir.resolve("state"))) {
      List<StateStore> stores =
          KeyedState.open(
              backend,
              i -> "window-" + i,
              parallelism,
              KEY_GROUPS,
              cp.state(),
              cp.keyGroups(),
              WindowOperator.routing(CATEGORY));

      LongAdder late = new LongAdder();
      RecordingEmitter out = new RecordingEmitter(3);
      List<WindowOperator> operators = new ArrayList<>();
      for (StateStore store : stores) {
        assertThat(watermarkOf(store)).isEqualTo(WINDOW_WATERMARK);
        operators.add(
            new WindowOperator("transforms[0].window", spec, CATEGORY, functions, store, late));
      }
      // a record for a window past its lateness at the restored watermark is late
      Row tooLate = new Row(new Object[] {"cat-1", 1L});
      operators
          .get(KEY_GROUPS.owner(CATEGORY.hash(tooLate), parallelism))
          .process(event(tooLate, BASE + 880 * SECOND, 9999), WINDOW_WATERMARK, out);
      operators.forEach(op -> op.advance(Long.MAX_VALUE, out));

      // the reference: the windows that had not fired at the checkpoint, from the fixture's records
      Map<List<Object>, long[]> expected = new HashMap<>();
      for (long i = 0; i < 3000; i++) {
        long t = BASE + i * 370_000;
        long start = Math.floorDiv(t, 10 * SECOND) * 10 * SECOND;
        if (start + 10 * SECOND > WINDOW_WATERMARK) {
          long[] agg =
              expected.computeIfAbsent(
                  List.of(start, start + 10 * SECOND, "cat-" + (i % 7)), k -> new long[2]);
          agg[0]++;
          agg[1] += i;
        }
      }
      Map<List<Object>, long[]> actual = new HashMap<>();
      out.table.forEach(
          (key, row) -> actual.put(key, new long[] {(Long) row.get(3), (Long) row.get(4)}));
      assertThat(late.sum()).isEqualTo(1);
      assertThat(actual.keySet()).isEqualTo(expected.keySet()).isNotEmpty();
      expected.forEach(
          (key, agg) -> assertThat(actual.get(key)).as("window %s", key).containsExactly(agg));
    }
  }

  /** A rescale chain 2 → 3 → 1 → 2 over random state: every key on its owner, none lost. */
  @Test
  void stateMovesWithItsKeyGroupsAcrossRescales() throws IOException {
    KeyGroups groups = new KeyGroups(16);
    SplittableRandom random = new SplittableRandom(7);
    Map<Long, Long> reference = new HashMap<>();
    try (StateBackend backend = StateBackend.create(StateBackend.MEMORY, dir.resolve("state"))) {
      int parallelism = 2;
      List<StateStore> stores =
          KeyedState.open(backend, i -> "dedupe-" + i, parallelism, groups, Map.of(), 0, null);
      List<DedupeOperator> operators = dedupes(stores, new LongAdder());
      RecordingEmitter out = new RecordingEmitter(1);
      for (int n = 0; n < 5000; n++) {
        long id = random.nextLong(1_000_000);
        long time = BASE + random.nextLong(1000) * SECOND;
        Row row = new Row(new Object[] {id});
        operators.get(groups.owner(ID.hash(row), parallelism)).process(event(row, time, n), 0, out);
        reference.putIfAbsent(id, time); // keep first
      }
      long checkpoint = 1;
      for (int next : new int[] {3, 1, 2}) {
        Map<String, byte[]> handles = new HashMap<>();
        for (int i = 0; i < parallelism; i++) {
          operators.get(i).flush(BASE, out);
          stores.get(i).put(KeyedTask.WATERMARK_KEY, ordered(BASE + i));
          handles.put("dedupe-" + i, stores.get(i).snapshot(checkpoint));
        }
        checkpoint++;
        stores.forEach(StateStore::close);
        int from = parallelism;
        parallelism = next;
        stores =
            KeyedState.open(
                backend,
                i -> "dedupe-" + i,
                parallelism,
                groups,
                handles,
                groups.count(),
                DedupeOperator.routing(ID));
        operators = dedupes(stores, new LongAdder());

        Map<Long, Long> restored = new HashMap<>();
        for (int task = 0; task < parallelism; task++) {
          assertThat(watermarkOf(stores.get(task)))
              .as("%d → %d: the highest watermark", from, next)
              .isEqualTo(BASE + from - 1);
          assertOnlyOwnKeys(stores.get(task), (byte) 1, 1, ID, task, parallelism, groups);
          stores
              .get(task)
              .scan(
                  new byte[] {1},
                  new byte[] {2},
                  (k, v) -> {
                    Object[] id = ValueCodec.decodeKey(IDS, Arrays.copyOfRange(k, 1, k.length));
                    restored.put((Long) id[0], ValueCodec.readLongOrdered(v, 0));
                    return true;
                  });
        }
        assertThat(restored).as("%d → %d", from, next).isEqualTo(reference);
      }
      // the expiry index moved with the keys: past every key's TTL, expiry leaves none
      for (int task = 0; task < parallelism; task++) {
        operators.get(task).flush(BASE + 20_000 * SECOND, out);
        int[] left = {0};
        stores.get(task).scan(new byte[] {1}, new byte[] {2}, (k, v) -> ++left[0] < 0);
        assertThat(left[0]).as("keys left in task %d after expiry", task).isZero();
      }
      stores.forEach(StateStore::close);
    }
  }

  private static List<DedupeOperator> dedupes(List<StateStore> stores, LongAdder duplicates) {
    List<DedupeOperator> result = new ArrayList<>();
    for (StateStore store : stores) {
      result.add(
          new DedupeOperator(
              ID, 10_000 * SECOND, TransformSpec.Dedupe.Keep.FIRST, store, duplicates));
    }
    return result;
  }

  private static byte[] ordered(long value) {
    byte[] bytes = new byte[8];
    ValueCodec.writeLongOrdered(bytes, 0, value);
    return bytes;
  }

  private static void assertOnlyOwnKeys(
      StateStore store, byte prefix, int from, KeyColumns key, int task, int parallelism) {
    assertOnlyOwnKeys(store, prefix, from, key, task, parallelism, KEY_GROUPS);
  }

  private static void assertOnlyOwnKeys(
      StateStore store,
      byte prefix,
      int from,
      KeyColumns key,
      int task,
      int parallelism,
      KeyGroups groups) {
    int[] seen = {0};
    store.scan(
        new byte[] {prefix},
        new byte[] {(byte) (prefix + 1)},
        (k, v) -> {
          Object[] values =
              ValueCodec.decodeKey(key.schema(), Arrays.copyOfRange(k, from, k.length));
          assertThat(groups.owner(key.hash(new Row(values)), parallelism))
              .as("owner of a key in task %d's store", task)
              .isEqualTo(task);
          seen[0]++;
          return true;
        });
    assertThat(seen[0]).as("keys in task %d's store", task).isPositive();
  }
}
