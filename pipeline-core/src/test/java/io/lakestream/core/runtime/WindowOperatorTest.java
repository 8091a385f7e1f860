package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.spec.TransformSpec.Window.Type;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WindowOperator} against a reference model of docs/stateful.md's windows, computed from the
 * generated records alone: which records are too late follows from the watermark each was processed
 * at; every window's row is the aggregate of the records accepted into it; sessions are the
 * connected runs of {@code [t, t + gap)} of the accepted records of a group. The operator's rows
 * and retractions are applied to an upsert table, which must equal the model's rows.
 */
class WindowOperatorTest {
  private static final long BASE = 1_700_000_000_000_000L; // micros: Nov 2023
  private static final long SECOND = 1_000_000;
  // event times and watermarks are multiples of this, so that they often meet window bounds exactly
  private static final long QUANTUM = SECOND / 2;
  private static final Schema INPUT =
      new Schema(
          List.of(
              Field.optional("category", DataType.Primitive.STRING),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("qty", DataType.Primitive.LONG)));
  private static final Map<String, String> AGGREGATES = new LinkedHashMap<>();

  static {
    AGGREGATES.put("orders", "count(*)");
    AGGREGATES.put("revenue", "sum(amount)");
    AGGREGATES.put("biggest", "max(qty)");
  }

  @TempDir Path dir;
  private final List<StateBackend> backends = new ArrayList<>();

  @AfterEach
  void close() {
    for (int i = backends.size() - 1; i >= 0; i--) {
      backends.get(i).close();
    }
  }

  /** One record: its group, event time and values; the offset identifies it. */
  record Input(long offset, int group, long time, BigDecimal amount, Long qty) {
    String category() {
      return "c" + group;
    }
  }

  private static Event event(Input in) {
    return new Event(
        new Row(in.category(), in.amount(), in.qty()),
        in.time(),
        new SourceRecord("orders", 0, in.offset(), -1, null, null));
  }

  private static TransformSpec.Window spec(
      Type type, long size, long slide, long gap, long lateness, Duration earlyFire) {
    return new TransformSpec.Window(
        type,
        type == Type.SESSION ? null : Duration.of(size, ChronoUnit.MICROS),
        type == Type.SLIDING ? Duration.of(slide, ChronoUnit.MICROS) : null,
        type == Type.SESSION ? Duration.of(gap, ChronoUnit.MICROS) : null,
        List.of("category"),
        AGGREGATES,
        Duration.of(lateness, ChronoUnit.MICROS),
        earlyFire,
        null);
  }

  private static List<AggregateFunction> functions() {
    List<AggregateFunction> result = new ArrayList<>();
    AGGREGATES.forEach((name, call) -> result.add(AggregateFunction.parse(name, call, INPUT)));
    return result;
  }

  /** The table row of a window: bounds, group, then count(*), sum(amount), max(qty). */
  private static Row row(long start, long end, String category, List<Input> records) {
    BigDecimal sum = null;
    Long max = null;
    for (Input in : records) {
      if (in.amount() != null) {
        sum = sum == null ? in.amount() : sum.add(in.amount());
      }
      if (in.qty() != null) {
        max = max == null ? in.qty() : Math.max(max, in.qty());
      }
    }
    return new Row(start, end, category, (long) records.size(), sum, max);
  }

  // ---------------------------------------------------------------------------------------------
  // The reference model

  /** The windows of docs/stateful.md computed from the accepted records. */
  static final class Model {
    final Type type;
    final long size;
    final long slide;
    final long gap;
    final long lateness;
    final Map<List<Object>, List<Input>> windows = new HashMap<>(); // tumbling and sliding
    final Map<String, List<Input>> sessionRecords = new HashMap<>(); // by group
    final Set<Long> late = new HashSet<>();

    Model(Type type, long size, long slide, long gap, long lateness) {
      this.type = type;
      this.size = size;
      this.slide = slide;
      this.gap = gap;
      this.lateness = lateness;
    }

    Model copy() {
      Model m = new Model(type, size, slide, gap, lateness);
      windows.forEach((k, v) -> m.windows.put(k, new ArrayList<>(v)));
      sessionRecords.forEach((k, v) -> m.sessionRecords.put(k, new ArrayList<>(v)));
      m.late.addAll(late);
      return m;
    }

    /** A record processed when the watermark was {@code watermark}. */
    void process(Input in, long watermark) {
      long t = in.time();
      if (type == Type.SESSION) {
        // further behind than the lateness, it could belong to a session already purged
        if (t + lateness <= watermark) {
          late.add(in.offset());
        } else {
          sessionRecords.computeIfAbsent(in.category(), g -> new ArrayList<>()).add(in);
        }
        return;
      }
      long step = type == Type.SLIDING ? slide : size;
      // every window [k * step, k * step + size) that contains t, found by brute force
      for (long k = Math.floorDiv(t - size, step) - 1; k * step <= t; k++) {
        long start = k * step;
        long end = start + size;
        if (start <= t && t < end) {
          if (end + lateness <= watermark) {
            late.add(in.offset());
          } else {
            windows
                .computeIfAbsent(Arrays.asList(start, end, in.category()), w -> new ArrayList<>())
                .add(in);
          }
        }
      }
    }

    /** The rows of every window whose end satisfies {@code ends}, by table key. */
    Map<List<Object>, Row> rows(LongPredicate ends) {
      Map<List<Object>, Row> rows = new HashMap<>();
      if (type != Type.SESSION) {
        windows.forEach(
            (k, records) -> {
              if (ends.test((Long) k.get(1))) {
                rows.put(k, row((Long) k.get(0), (Long) k.get(1), (String) k.get(2), records));
              }
            });
        return rows;
      }
      sessionRecords.forEach(
          (group, records) -> {
            List<Input> sorted = new ArrayList<>(records);
            sorted.sort(Comparator.comparingLong(Input::time));
            List<Input> session = new ArrayList<>();
            long end = Long.MIN_VALUE;
            for (Input in : sorted) {
              if (!session.isEmpty() && in.time() >= end) {
                add(rows, ends, group, session, end);
                session = new ArrayList<>();
              }
              session.add(in);
              end = session.size() == 1 ? in.time() + gap : Math.max(end, in.time() + gap);
            }
            if (!session.isEmpty()) {
              add(rows, ends, group, session, end);
            }
          });
      return rows;
    }

    private static void add(
        Map<List<Object>, Row> rows,
        LongPredicate ends,
        String group,
        List<Input> session,
        long end) {
      if (ends.test(end)) {
        long start = session.get(0).time();
        rows.put(Arrays.asList(start, end, group), row(start, end, group, session));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The operator as a keyed task drives it

  /** A window operator over one backend's store, restartable from its snapshots. */
  final class Harness {
    final TransformSpec.Window spec;
    final List<AggregateFunction> functions = functions();
    final StateBackend backend;
    final LongAdder lateCount = new LongAdder();
    RecordingEmitter out = new RecordingEmitter(3);
    StateStore store;
    WindowOperator operator;
    long watermark = Long.MIN_VALUE;
    long checkpoints;

    Harness(String backendKind, TransformSpec.Window spec) throws IOException {
      this.spec = spec;
      this.backend = StateBackend.create(backendKind, dir.resolve("state-" + backends.size()));
      backends.add(backend);
      this.store = backend.open("window-0", null);
      this.operator = newOperator();
    }

    private WindowOperator newOperator() {
      return new WindowOperator(
          "transforms[0].window",
          spec,
          new KeyColumns(INPUT, List.of("category"), "group-by column"),
          functions,
          store,
          lateCount);
    }

    /** As {@link KeyedTask}: the watermark moves first, then the batch comes with it. */
    void process(List<Input> batch, long wm) {
      advance(wm);
      Event[] events = new Event[Exchange.BATCH];
      for (int i = 0; i < batch.size(); i++) {
        events[i] = event(batch.get(i));
      }
      operator.processBatch(events, batch.size(), watermark, out);
    }

    void advance(long wm) {
      if (wm > watermark) {
        watermark = wm;
        operator.advance(wm, out);
      }
    }

    byte[] checkpoint() throws IOException {
      operator.flush(watermark, out);
      return store.snapshot(++checkpoints);
    }

    /**
     * A crash and a restart from {@code handle}: the table and late records go back to what was
     * committed with it, the watermark to the one stored with it.
     */
    void restore(byte[] handle, RecordingEmitter committed, long committedWatermark)
        throws IOException {
      store.close();
      store = backend.open("window-0", handle);
      operator = newOperator();
      out = committed;
      watermark = committedWatermark;
    }

    /**
     * Every window in the store, as {@code [start, end)}, read as the operator's javadoc describes
     * a group's entry: format version (1), count, then per window {@link OpenWindow#write}'s bytes.
     */
    List<long[]> storedWindows() {
      List<long[]> result = new ArrayList<>();
      store.scan(
          new byte[] {1},
          new byte[] {2},
          (k, v) -> {
            try {
              DataInputStream in = new DataInputStream(new ByteArrayInputStream(v));
              assertThat(in.readUnsignedByte()).as("window state format version").isEqualTo(1);
              for (int i = in.readInt(); i > 0; i--) {
                OpenWindow w = OpenWindow.read(in, functions);
                result.add(new long[] {w.start, w.end});
              }
            } catch (IOException e) {
              throw new AssertionError(e);
            }
            return true;
          });
      return result;
    }

    int storedEntries() {
      int[] n = {0};
      store.scan(
          new byte[0],
          new byte[] {(byte) 0xff},
          (k, v) -> {
            n[0]++;
            return true;
          });
      return n[0];
    }
  }

  /** A copy of what a table and the late-records table hold. */
  private static RecordingEmitter copy(RecordingEmitter out) {
    RecordingEmitter c = new RecordingEmitter(3);
    c.table.putAll(out.table);
    c.late.addAll(out.late);
    c.results = out.results;
    c.retractions = out.retractions;
    return c;
  }

  // ---------------------------------------------------------------------------------------------
  // Generated input

  /** Event time moves on by batches; records are out of order, some beyond the lateness. */
  static final class Generator {
    final SplittableRandom random;
    final Type type;
    final long size;
    final long gap;
    final long lateness;
    final long outOfOrder;
    final int groups;
    long clock = BASE;
    long offset;

    Generator(long seed, Type type, long size, long gap, long lateness, int groups) {
      this.random = new SplittableRandom(seed);
      this.type = type;
      this.size = size;
      this.gap = gap;
      this.lateness = lateness;
      this.outOfOrder = (type == Type.SESSION ? gap : size) / 2;
      this.groups = groups;
    }

    long watermark() {
      return clock - outOfOrder;
    }

    void tick() {
      long unit = type == Type.SESSION ? gap : size;
      clock += random.nextLong(unit / 3 / QUANTUM + 1) * QUANTUM;
    }

    List<Input> batch() {
      List<Input> batch = new ArrayList<>();
      long wm = watermark();
      // each group is quiet now and then, for longer than a session gap
      List<Integer> active = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        if (Math.floorMod(clock / (gap * (g + 2)) + g, 2) != 0) {
          active.add(g);
        }
      }
      if (active.isEmpty()) {
        return batch;
      }
      for (int i = 1 + random.nextInt(12); i > 0; i--) {
        int group = active.get(random.nextInt(active.size()));
        long t;
        if (type != Type.SESSION) {
          int kind = random.nextInt(10);
          if (kind == 0) {
            t = wm - lateness - random.nextLong(2 * size + 1); // likely too late
          } else if (kind == 1) {
            t = wm - random.nextLong(lateness + size + 1); // around the lateness
          } else {
            t = clock - random.nextLong(outOfOrder + 1);
          }
        } else if (random.nextInt(10) == 0) {
          // too late: behind the watermark by more than the lateness
          t = wm - lateness - random.nextLong(gap / QUANTUM + 1) * QUANTUM;
        } else {
          // never older than the lateness: such a record cannot meet a session already purged
          long oldest = wm - lateness + QUANTUM;
          t = oldest + random.nextLong(clock - oldest + gap / 4 + 1);
        }
        t = Math.floorDiv(t, QUANTUM) * QUANTUM;
        BigDecimal amount =
            random.nextInt(10) == 0 ? null : BigDecimal.valueOf(random.nextLong(1_000_000), 2);
        Long qty = random.nextInt(10) == 0 ? null : random.nextLong(-50, 1_000);
        batch.add(new Input(offset++, group, t, amount, qty));
      }
      return batch;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Randomized runs

  /** The windows of a run: type, then size and slide or gap, then lateness, in seconds. */
  static Stream<Arguments> configurations() {
    return Stream.of(
        Arguments.of(Type.TUMBLING, 10L, 0L, 0L, StateBackend.MEMORY),
        Arguments.of(Type.TUMBLING, 10L, 0L, 15L, StateBackend.ROCKSDB),
        Arguments.of(Type.SLIDING, 10L, 2L, 0L, StateBackend.MEMORY),
        Arguments.of(Type.SLIDING, 12L, 4L, 7L, StateBackend.ROCKSDB),
        Arguments.of(Type.SESSION, 0L, 0L, 0L, StateBackend.MEMORY),
        Arguments.of(Type.SESSION, 0L, 0L, 8L, StateBackend.ROCKSDB));
  }

  @ParameterizedTest(name = "{0} size {1}s slide {2}s lateness {3}s, {4}")
  @MethodSource("configurations")
  void matchesTheModelThroughCheckpointsAndRestarts(
      Type type, long size, long slide, long lateness, String backend) throws IOException {
    int seeds = backend.equals(StateBackend.ROCKSDB) ? 2 : 3; // its checkpoints cost fsyncs
    for (long seed = 1; seed <= seeds; seed++) {
      run(seed, type, size * SECOND, slide * SECOND, 5 * SECOND, lateness * SECOND, backend, null);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TUMBLING", "SLIDING", "SESSION"})
  void earlyFiringWritesPartialRowsThatAreReplaced(Type type) throws IOException {
    for (long seed = 11; seed <= 12; seed++) {
      run(
          seed,
          type,
          10 * SECOND,
          5 * SECOND,
          4 * SECOND,
          3 * SECOND,
          StateBackend.MEMORY,
          Duration.ofSeconds(1));
    }
  }

  /**
   * A run over generated input. At checkpoints (flush) the table holds exactly the model's rows of
   * the windows the watermark has reached, and the store no window past its lateness; some
   * checkpoints are followed by a crash after a few more batches, whose rows are lost and which are
   * processed again by a new operator over the snapshot. With early firing, right after each early
   * fire the table holds the model's rows of the open windows too. After the end of the input, the
   * table equals the model and every record the model calls too late was written once to the
   * late-records table.
   */
  private void run(
      long seed,
      Type type,
      long size,
      long slide,
      long gap,
      long lateness,
      String backend,
      Duration earlyFire)
      throws IOException {
    String where =
        type + " size " + size + " slide " + slide + " gap " + gap + " lateness " + lateness;
    where += (earlyFire == null ? "" : " early-fire " + earlyFire) + ", " + backend;
    where += ", seed " + seed;
    Harness h = new Harness(backend, spec(type, size, slide, gap, lateness, earlyFire));
    Model model = new Model(type, size, slide, gap, lateness);
    Generator gen = new Generator(seed, type, size, gap, lateness, 4);
    SplittableRandom random = new SplittableRandom(seed * 17);
    long earlyFireNanos = earlyFire == null ? 0 : earlyFire.toNanos();
    long now = 0;
    int crashes = 0;
    for (int step = 0; step < 250; step++) {
      String at = where + ", step " + step;
      gen.tick();
      List<Input> batch = gen.batch();
      step(h, model, batch, gen.watermark());
      if (earlyFire != null && random.nextInt(4) == 0) {
        now += earlyFireNanos;
        h.operator.tick(now, h.out);
        long wm = h.watermark;
        assertTable(h.out, model.rows(end -> end > wm), end -> end > wm, at + " (early fire)");
      }
      if (random.nextInt(12) == 0) {
        if (earlyFire != null) {
          // so that nothing waits for an early fire the restarted operator does not know of
          now += earlyFireNanos;
          h.operator.tick(now, h.out);
        }
        byte[] handle = h.checkpoint();
        checkCheckpoint(h, model, at + " (checkpoint)");
        if (random.nextInt(3) == 0) {
          crashes++;
          RecordingEmitter committed = copy(h.out);
          long committedWatermark = h.watermark;
          Model saved = model.copy();
          List<List<Input>> lost = new ArrayList<>();
          List<Long> lostWatermarks = new ArrayList<>();
          for (int i = 1 + random.nextInt(4); i > 0; i--) {
            gen.tick();
            lost.add(gen.batch());
            lostWatermarks.add(gen.watermark());
            step(h, model, lost.get(lost.size() - 1), gen.watermark());
          }
          h.restore(handle, committed, committedWatermark);
          model = saved;
          for (int i = 0; i < lost.size(); i++) {
            step(h, model, lost.get(i), lostWatermarks.get(i));
          }
        }
      }
    }
    assertThat(crashes).as(where + ": crashes").isPositive();

    h.operator.finish(h.watermark, h.out);

    assertTable(h.out, model.rows(end -> true), end -> true, where + ", at the end");
    List<Long> late = h.out.late.stream().map(l -> l.event().origin().offset()).toList();
    assertThat(late).as(where + ": late records").doesNotHaveDuplicates();
    assertThat(new HashSet<>(late)).as(where + ": late records").isEqualTo(model.late);
    assertThat(model.late).as(where + ": the input has late records").isNotEmpty();

    // the watermark passes every window's lateness: their state is deleted, their rows stay
    long end = gen.clock + 10 * (size + gap + lateness);
    h.advance(end);
    h.operator.flush(end, h.out);
    assertThat(h.storedEntries()).as(where + ": entries left once every window is purged").isZero();
    assertTable(h.out, model.rows(e -> true), e -> true, where + ", after the purge");
  }

  private static void step(Harness h, Model model, List<Input> batch, long watermark) {
    for (Input in : batch) {
      model.process(in, Math.max(watermark, h.watermark));
    }
    h.process(batch, watermark);
  }

  /** The table's rows of the windows whose end satisfies {@code ends} are {@code expected}. */
  private static void assertTable(
      RecordingEmitter out, Map<List<Object>, Row> expected, LongPredicate ends, String where) {
    Map<List<Object>, Row> actual = new TreeMap<>(WindowOperatorTest::compareKeys);
    out.table.forEach(
        (k, v) -> {
          if (ends.test((Long) k.get(1))) {
            actual.put(k, v);
          }
        });
    Map<List<Object>, Row> sortedExpected = new TreeMap<>(WindowOperatorTest::compareKeys);
    sortedExpected.putAll(expected);
    assertThat(actual).as(where + ": table rows").isEqualTo(sortedExpected);
  }

  private static int compareKeys(List<Object> a, List<Object> b) {
    int c = Long.compare((Long) a.get(0), (Long) b.get(0));
    if (c == 0) {
      c = Long.compare((Long) a.get(1), (Long) b.get(1));
    }
    return c != 0 ? c : ((String) a.get(2)).compareTo((String) b.get(2));
  }

  /** At a checkpoint: the fired windows' rows are right, nothing past its lateness is stored. */
  private static void checkCheckpoint(Harness h, Model model, String where) {
    long wm = h.watermark;
    assertTable(h.out, model.rows(end -> end <= wm), end -> end <= wm, where);
    assertThat(h.storedWindows())
        .as(where + ": stored windows past their lateness")
        .allSatisfy(w -> assertThat(w[1] + model.lateness).isGreaterThan(wm));
  }

  // ---------------------------------------------------------------------------------------------
  // Single behaviours

  private Harness tumbling(long sizeSeconds, long latenessSeconds, Duration earlyFire)
      throws IOException {
    return new Harness(
        StateBackend.MEMORY,
        spec(Type.TUMBLING, sizeSeconds * SECOND, 0, 0, latenessSeconds * SECOND, earlyFire));
  }

  private static Input at(long offset, String group, long seconds, long cents) {
    return new Input(
        offset,
        Integer.parseInt(group.substring(1)),
        seconds * SECOND,
        BigDecimal.valueOf(cents, 2),
        cents);
  }

  private static Row windowRow(long from, long to, String group, long count, long cents, long max) {
    return new Row(from * SECOND, to * SECOND, group, count, BigDecimal.valueOf(cents, 2), max);
  }

  private static List<Object> windowKey(long from, long to, String group) {
    return Arrays.asList(from * SECOND, to * SECOND, group);
  }

  @Test
  void aCorrectionWithinTheLatenessReplacesTheRowAndALaterRecordIsLate() throws IOException {
    Harness h = tumbling(10, 10, null);
    h.process(List.of(at(0, "c1", 1, 100), at(1, "c1", 2, 250)), 0);
    h.advance(10 * SECOND);
    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 2, 350, 250)));

    h.process(List.of(at(2, "c1", 3, 1_000)), 12 * SECOND); // within the lateness
    h.operator.flush(h.watermark, h.out);
    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 3, 1_350, 1_000)));

    h.process(List.of(at(3, "c1", 4, 5)), 20 * SECOND); // window end + lateness reached
    h.operator.flush(h.watermark, h.out);

    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 3, 1_350, 1_000)));
    assertThat(h.out.late).hasSize(1);
    RecordingEmitter.Late late = h.out.late.get(0);
    assertThat(late.event().origin().offset()).isEqualTo(3);
    assertThat(late.watermark()).isEqualTo(20 * SECOND);
    assertThat(late.reason())
        .isEqualTo(
            "window [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z) was past its allowed lateness"
                + " when the record arrived");
    assertThat(h.lateCount.sum()).isEqualTo(1);
  }

  @Test
  void aSlidingRecordTooLateForSomeOfItsWindowsCountsInTheOthersAndIsLateOnce() throws IOException {
    Harness h =
        new Harness(StateBackend.MEMORY, spec(Type.SLIDING, 10 * SECOND, 5 * SECOND, 0, 0, null));
    // t = 7 s is in [0, 10) and [5, 15); the watermark is 10 s: [0, 10) is closed
    h.process(List.of(at(0, "c1", 7, 100)), 10 * SECOND);
    h.process(List.of(), 15 * SECOND);

    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(5, 15, "c1"), windowRow(5, 15, "c1", 1, 100, 100)));
    assertThat(h.out.late).hasSize(1);
    assertThat(h.out.late.get(0).reason())
        .startsWith("window [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z)");
  }

  @Test
  void aMergeOfSessionsRetractsTheRowsOfTheSessionsItReplaces() throws IOException {
    Harness h =
        new Harness(StateBackend.MEMORY, spec(Type.SESSION, 0, 0, 10 * SECOND, 30 * SECOND, null));
    h.process(List.of(at(0, "c1", 0, 100), at(1, "c1", 15, 200)), 0);
    h.advance(25 * SECOND); // both sessions, [0, 10) and [15, 25), fire
    assertThat(h.out.table.keySet()).containsOnly(windowKey(0, 10, "c1"), windowKey(15, 25, "c1"));

    h.process(List.of(at(2, "c1", 8, 300)), 25 * SECOND); // [8, 18) joins them: [0, 25)
    h.operator.flush(h.watermark, h.out);

    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 25, "c1"), windowRow(0, 25, "c1", 3, 600, 300)));
    assertThat(h.out.retractions).isEqualTo(2);
  }

  @Test
  void aResultTheTableRefusesGoesToTheErrorPolicyWithItsWindowAndGroup() throws IOException {
    Harness h = tumbling(10, 0, null);
    h.out.refuses = row -> "c2".equals(row.get(2));
    h.process(List.of(at(0, "c1", 1, 100), at(1, "c2", 2, 250), at(2, "c1", 12, 5)), 0);

    h.advance(20 * SECOND); // [0, 10) fires for c1 and c2, [10, 20) for c1

    assertThat(h.out.table.keySet()).containsOnly(windowKey(0, 10, "c1"), windowKey(10, 20, "c1"));
    assertThat(h.out.refused)
        .containsExactly(
            new RecordingEmitter.Refused(
                windowRow(0, 10, "c2", 1, 250, 250),
                "transforms[0].window [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z) group [c2]",
                "sink",
                "the table refuses " + windowRow(0, 10, "c2", 1, 250, 250)));
    h.operator.flush(h.watermark, h.out);
    assertThat(h.out.refused).as("a refused row is not emitted again").hasSize(1);
  }

  @Test
  void aRetractionTheTableRefusesGoesToTheErrorPolicyAndTheSessionsStillMerge() throws IOException {
    Harness h =
        new Harness(StateBackend.MEMORY, spec(Type.SESSION, 0, 0, 10 * SECOND, 30 * SECOND, null));
    h.process(List.of(at(0, "c1", 0, 100), at(1, "c1", 15, 200)), 0);
    h.advance(25 * SECOND);
    // the table refuses to delete the row of [15, 25) (its key, say, no longer passes its checks)
    h.out.refuses = row -> row.get(0).equals(15 * SECOND) && row.get(3) == null;

    h.process(List.of(at(2, "c1", 8, 300)), 25 * SECOND); // [8, 18) joins them: [0, 25)
    h.operator.flush(h.watermark, h.out);

    assertThat(h.out.refused).hasSize(1);
    RecordingEmitter.Refused refused = h.out.refused.get(0);
    assertThat(refused.origin())
        .isEqualTo("transforms[0].window [1970-01-01T00:00:15Z, 1970-01-01T00:00:25Z) group [c1]");
    assertThat(refused.stage()).isEqualTo("sink delete");
    // the merge is whole: the merged session counts each record once
    assertThat(h.out.table.get(windowKey(0, 25, "c1")))
        .isEqualTo(windowRow(0, 25, "c1", 3, 600, 300));
  }

  @Test
  void earlyFiringWritesPartialRowsUntilTheWindowFires() throws IOException {
    Harness h = tumbling(10, 0, Duration.ofSeconds(1));
    long now = 1_000_000_000L;
    h.process(List.of(at(0, "c1", 1, 100)), 0);
    h.operator.tick(now, h.out);
    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 1, 100, 100)));

    h.process(List.of(at(1, "c1", 2, 200)), SECOND);
    h.operator.tick(now + 500_000_000L, h.out); // not yet an early-fire interval later
    assertThat(h.out.table.get(windowKey(0, 10, "c1")))
        .isEqualTo(windowRow(0, 10, "c1", 1, 100, 100));
    h.operator.tick(now + 1_000_000_000L, h.out);
    assertThat(h.out.table.get(windowKey(0, 10, "c1")))
        .isEqualTo(windowRow(0, 10, "c1", 2, 300, 200));

    h.process(List.of(at(2, "c1", 3, 300)), 2 * SECOND);
    h.advance(10 * SECOND);
    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 3, 600, 300)));
  }

  /**
   * {@link KeyedTask} ticks with {@link System#nanoTime()}, whose origin is arbitrary: its values
   * may be negative. Early firing must work from the first interval whatever the origin.
   */
  @Test
  void earlyFiringDoesNotDependOnTheOriginOfTheProcessingClock() throws IOException {
    Harness h = tumbling(10, 0, Duration.ofSeconds(1));
    long now = -3_600_000_000_000L; // an hour before the clock's origin
    h.process(List.of(at(0, "c1", 1, 100)), 0);

    h.operator.tick(now, h.out);
    h.operator.tick(now + 1_000_000_000L, h.out);

    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 1, 100, 100)));
  }

  /**
   * A window that changed after the last early fire before a checkpoint is still open and changed
   * after a restart from that checkpoint: the next early fire must write it.
   */
  @Test
  void earlyFiringAfterARestartWritesWindowsThatChangedBeforeTheCheckpoint() throws IOException {
    Harness h = tumbling(10, 0, Duration.ofSeconds(1));
    long now = 1_000_000_000L;
    h.process(List.of(at(0, "c1", 1, 100)), 0);
    h.operator.tick(now, h.out);
    h.process(List.of(at(1, "c1", 2, 200)), SECOND);
    byte[] handle = h.checkpoint();

    h.restore(handle, copy(h.out), h.watermark);
    h.operator.tick(now + 1_000_000_000L, h.out);

    assertThat(h.out.table)
        .containsOnly(Map.entry(windowKey(0, 10, "c1"), windowRow(0, 10, "c1", 2, 300, 200)));
  }

  /**
   * A record within the lateness of its own {@code [t, t + gap)} that overlaps a session already
   * purged cannot merge with it; it must not open a second session overlapping the first, since a
   * group's sessions never overlap: either it is too late, or the sessions merge.
   */
  @Test
  void theSessionsOfAGroupInTheTableNeverOverlap() throws IOException {
    Harness h = new Harness(StateBackend.MEMORY, spec(Type.SESSION, 0, 0, 10 * SECOND, 0, null));
    h.process(List.of(at(0, "c1", 0, 100)), 0);
    h.advance(10 * SECOND); // [0, 10) fires and, without lateness, is purged

    h.process(List.of(at(1, "c1", 5, 200)), 10 * SECOND); // 5 s + gap > watermark: not too late
    h.advance(20 * SECOND);
    h.operator.finish(h.watermark, h.out);

    List<List<Object>> sessions = new ArrayList<>(h.out.table.keySet());
    for (List<Object> a : sessions) {
      for (List<Object> b : sessions) {
        if (a != b && a.get(2).equals(b.get(2))) {
          boolean overlap = (Long) a.get(0) < (Long) b.get(1) && (Long) b.get(0) < (Long) a.get(1);
          assertThat(overlap)
              .as("sessions %s and %s of one group overlap; late records: %s", a, b, h.out.late)
              .isFalse();
        }
      }
    }
  }

  @Test
  void aNullGroupValueIsABadRecord() throws IOException {
    Harness h = tumbling(10, 0, null);
    Event[] events = {
      event(at(0, "c1", 1, 100)),
      new Event(new Row(null, null, 3L), SECOND, new SourceRecord("orders", 0, 1, -1, null, null))
    };

    h.operator.processBatch(events, 2, 0, h.out);
    h.advance(10 * SECOND);

    assertThat(h.out.bad).hasSize(1);
    assertThat(h.out.bad.get(0).error()).isEqualTo("group-by column category is null");
    assertThat(h.out.table).containsOnlyKeys(windowKey(0, 10, "c1"));
  }
}
