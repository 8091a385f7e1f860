package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.TransformSpec.Dedupe.Keep;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DedupeOperator} against a reference model of docs/stateful.md's dedupe: {@code keep:
 * first} emits the first record of a key and drops the others while the key is remembered; {@code
 * keep: last} emits a record unless a remembered record of its key has a later event time. A key is
 * remembered from the time of the record it last emitted until the watermark reaches that time plus
 * the TTL. Runs over both state backends, with flushes, cache overflows and restores from snapshots
 * in between.
 */
class DedupeOperatorTest {
  private static final String OWNER = "dedupe-0";
  private static final long BASE = 1_700_000_000_000_000L; // micros, Nov 2023

  @TempDir Path dir;
  private final List<Harness> harnesses = new ArrayList<>();

  @AfterEach
  void close() {
    for (int i = harnesses.size() - 1; i >= 0; i--) {
      harnesses.get(i).close();
    }
  }

  /** The key columns of the test's records. */
  enum KeyKind {
    /** {@code id: long}, the common event id. */
    LONG,
    /** {@code name: string, n: int}. */
    COMPOSITE;

    Schema schema() {
      return this == LONG
          ? new Schema(
              List.of(
                  Field.optional("id", DataType.Primitive.LONG),
                  Field.optional("payload", DataType.Primitive.STRING)))
          : new Schema(
              List.of(
                  Field.optional("name", DataType.Primitive.STRING),
                  Field.optional("n", DataType.Primitive.INT),
                  Field.optional("payload", DataType.Primitive.STRING)));
    }

    KeyColumns columns() {
      return new KeyColumns(
          schema(), this == LONG ? List.of("id") : List.of("name", "n"), "key column");
    }

    /** The row of the model's key {@code key} (null key values if {@code key} is negative). */
    Row row(int key, String payload) {
      if (this == LONG) {
        return new Row(key < 0 ? null : 1_000_003L * key - 77, payload);
      }
      return new Row(key < 0 ? null : "user-" + key % 13, key < 0 ? 5 : key / 13, payload);
    }
  }

  /** One record of the input: the model's key (-1: null) and event time; offset identifies it. */
  record Input(int key, long time, long offset) {}

  private static Event event(KeyKind kind, Input in) {
    return new Event(
        kind.row(in.key(), "e" + in.offset()),
        in.time(),
        new SourceRecord("events", 0, in.offset(), -1, null, null));
  }

  /** The reference model: the time each key is remembered from, and the decisions it implies. */
  static final class Model {
    final Keep keep;
    final long ttl;
    final Map<Integer, Long> remembered = new HashMap<>();
    long duplicates;

    Model(Keep keep, long ttl) {
      this.keep = keep;
      this.ttl = ttl;
    }

    Model copy() {
      Model m = new Model(keep, ttl);
      m.remembered.putAll(remembered);
      m.duplicates = duplicates;
      return m;
    }

    boolean knows(int key, long watermark) {
      Long time = remembered.get(key);
      return time != null && watermark < time + ttl;
    }

    /** The offsets of the records of {@code batch} that are written, in order. */
    List<Long> process(List<Input> batch, long watermark) {
      List<Long> written = new ArrayList<>();
      for (Input in : batch) {
        if (in.key() < 0) {
          continue; // a bad record
        }
        boolean known = knows(in.key(), watermark);
        boolean drop = known && (keep == Keep.FIRST || in.time() < remembered.get(in.key()));
        if (drop) {
          duplicates++;
        } else {
          remembered.put(in.key(), in.time());
          written.add(in.offset());
        }
      }
      return written;
    }
  }

  /** A dedupe over one backend's store, which a restart replaces by a new one over a snapshot. */
  final class Harness implements AutoCloseable {
    final KeyKind kind;
    final Keep keep;
    final long ttl;
    final StateBackend backend;
    final LongAdder duplicates = new LongAdder();
    final RecordingEmitter out = new RecordingEmitter(0);
    StateStore store;
    DedupeOperator operator;
    long checkpoints;

    Harness(String backendKind, KeyKind kind, Keep keep, long ttl) throws IOException {
      this.kind = kind;
      this.keep = keep;
      this.ttl = ttl;
      this.backend = StateBackend.create(backendKind, dir.resolve("state-" + harnesses.size()));
      this.store = backend.open(OWNER, null);
      this.operator = newOperator();
      harnesses.add(this);
    }

    private DedupeOperator newOperator() {
      return new DedupeOperator(kind.columns(), ttl, keep, store, duplicates);
    }

    /** Processes {@code batch} in one call and returns the offsets of the records written. */
    List<Long> process(List<Input> batch, long watermark) {
      int before = out.emitted.size();
      Event[] events = new Event[batch.size() + 3]; // longer than the batch, as the exchange's
      for (int i = 0; i < batch.size(); i++) {
        events[i] = event(kind, batch.get(i));
      }
      operator.processBatch(events, batch.size(), watermark, out);
      List<Long> written = new ArrayList<>();
      for (Event e : out.emitted.subList(before, out.emitted.size())) {
        written.add(e.origin().offset());
      }
      return written;
    }

    /** A checkpoint as a keyed task takes it: flush, then snapshot. */
    byte[] checkpoint(long watermark) throws IOException {
      operator.flush(watermark, out);
      return store.snapshot(++checkpoints);
    }

    /** A restart from {@code handle}: a new store and a new operator, nothing kept in memory. */
    void restore(byte[] handle) throws IOException {
      store.close();
      store = backend.open(OWNER, handle);
      operator = newOperator();
    }

    /** The key entries of the store, by their event time. */
    List<Long> storedTimes() {
      List<Long> times = new ArrayList<>();
      store.scan(
          new byte[] {1},
          new byte[] {2},
          (k, v) -> {
            times.add(ValueCodec.readLongOrdered(v, 0));
            return true;
          });
      return times;
    }

    Long storedTime(int key) {
      byte[] v = store.get(kind.columns().bytes((byte) 1, values(key)));
      return v == null ? null : ValueCodec.readLongOrdered(v, 0);
    }

    Object[] values(int key) {
      Row row = kind.row(key, null);
      return kind == KeyKind.LONG
          ? new Object[] {row.get(0)}
          : new Object[] {row.get(0), row.get(1)};
    }

    int storedEntries() {
      int[] n = {0};
      store.scan(
          new byte[0],
          new byte[] {(byte) 0xff, (byte) 0xff},
          (k, v) -> {
            n[0]++;
            return true;
          });
      return n[0];
    }

    @Override
    public void close() {
      backend.close();
    }
  }

  /** Generates input: a clock in event time, keys with hot spots, unique event times. */
  static final class Generator {
    final SplittableRandom random;
    final int keySpace;
    final long ttl;
    final long maxTick;
    final Set<Long> usedTimes = new HashSet<>();
    long clock = BASE;
    long offset;

    /**
     * @param maxTick how far event time moves at most between batches
     */
    Generator(long seed, int keySpace, long ttl, long maxTick) {
      this.random = new SplittableRandom(seed);
      this.keySpace = keySpace;
      this.ttl = ttl;
      this.maxTick = maxTick;
    }

    /** The watermark: the clock less a quarter TTL of out-of-orderness. */
    long watermark() {
      return clock - ttl / 4;
    }

    void tick() {
      clock += random.nextLong(maxTick + 1);
    }

    List<Input> batch(int size) {
      List<Input> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int key;
        int pick = random.nextInt(100);
        if (pick < 10 && !batch.isEmpty()) {
          key = batch.get(random.nextInt(batch.size())).key(); // a duplicate within the batch
        } else if (pick < 30) {
          key = random.nextInt(Math.min(10, keySpace)); // hot keys
        } else {
          key = random.nextInt(keySpace);
        }
        // mostly behind the clock, some older than a TTL, a few ahead of it
        long time = clock - random.nextLong(-ttl / 10, 2 * ttl);
        // unique times: which of two records with equal times keep: last keeps is not specified
        while (!usedTimes.add(time)) {
          time--;
        }
        batch.add(new Input(key, time, offset++));
      }
      return batch;
    }
  }

  static Stream<Arguments> configurations() {
    List<Arguments> result = new ArrayList<>();
    for (String backend : List.of(StateBackend.MEMORY, StateBackend.ROCKSDB)) {
      for (Keep keep : Keep.values()) {
        for (KeyKind kind : KeyKind.values()) {
          result.add(Arguments.of(backend, keep, kind));
        }
      }
    }
    return result.stream();
  }

  @ParameterizedTest(name = "{0} keep {1} {2} key")
  @MethodSource("configurations")
  void matchesTheModelThroughBatchesFlushesAndRestores(String backend, Keep keep, KeyKind kind)
      throws IOException {
    for (long seed = 1; seed <= 3; seed++) {
      long ttl = new long[] {8_000, 60_000, 1_000_000}[(int) seed - 1];
      run(seed, backend, keep, kind, ttl, ttl / 8, 1 + (int) (seed * 997 % 3000), 60, 8);
    }
  }

  /**
   * More distinct keys between flushes than the operator caches (50,000), while the keys stay
   * remembered: the cache overflows, and duplicates of keys it let go are found in the store.
   */
  @ParameterizedTest(name = "{0} keep {1}")
  @MethodSource("overflowConfigurations")
  void matchesTheModelAcrossCacheOverflows(String backend, Keep keep) throws IOException {
    long ttl = 100_000_000;
    run(7, backend, keep, KeyKind.LONG, ttl, ttl / 4_000, 150_000, 800, 400);
  }

  static Stream<Arguments> overflowConfigurations() {
    return Stream.of(
        Arguments.of(StateBackend.MEMORY, Keep.FIRST),
        Arguments.of(StateBackend.ROCKSDB, Keep.LAST));
  }

  /**
   * @param batches how many batches of up to 300 records
   * @param flushEvery on average every how many batches a flush (checkpoint) comes
   */
  private void run(
      long seed,
      String backend,
      Keep keep,
      KeyKind kind,
      long ttl,
      long maxTick,
      int keySpace,
      int batches,
      int flushEvery)
      throws IOException {
    String where = backend + ", keep " + keep + ", " + kind + " key, ttl " + ttl + ", seed " + seed;
    Harness h = new Harness(backend, kind, keep, ttl);
    Generator gen = new Generator(seed, keySpace, ttl, maxTick);
    Model model = new Model(keep, ttl);
    SplittableRandom random = new SplittableRandom(seed * 31);
    int overflows = 0;
    Set<Integer> cached = new HashSet<>(); // the keys the operator has in memory
    for (int b = 0; b < batches; b++) {
      String at = where + ", batch " + b;
      gen.tick();
      long wm = gen.watermark();
      if (random.nextInt(3) == 0) {
        h.operator.advance(wm, h.out);
      }
      List<Input> batch = gen.batch(1 + random.nextInt(300));
      checkBatch(h, model, batch, wm, at);
      batch.forEach(in -> cached.add(in.key()));
      int action = random.nextInt(flushEvery * 10);
      if (action < 7) {
        // a checkpoint, then a crash after a few more batches: those are processed again
        byte[] handle = h.checkpoint(wm);
        checkState(h, model, wm, at + " (checkpoint)");
        Model saved = model.copy();
        List<List<Input>> lost = new ArrayList<>();
        List<Long> lostWatermarks = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
          gen.tick();
          lostWatermarks.add(gen.watermark());
          lost.add(gen.batch(1 + random.nextInt(300)));
          checkBatch(h, model, lost.get(lost.size() - 1), gen.watermark(), at + " (lost)");
        }
        h.restore(handle);
        model = saved;
        for (int i = 0; i < lost.size(); i++) {
          checkBatch(h, model, lost.get(i), lostWatermarks.get(i), at + " (replayed)");
        }
        cached.clear();
      } else if (action < 10) {
        h.operator.flush(wm, h.out);
        checkState(h, model, wm, at + " (flush)");
      }
      if (cached.size() >= 50_000) {
        overflows++;
        cached.clear();
      }
    }
    if (keySpace > 50_000) {
      assertThat(overflows).as(where + ": times the cache overflowed").isPositive();
    }
    // everything expires: the store must end empty
    long end = gen.clock + 10 * ttl;
    h.operator.advance(end, h.out);
    h.operator.flush(end, h.out);
    assertThat(h.storedEntries()).as(where + ": entries left after every key expired").isZero();
  }

  private static void checkBatch(
      Harness h, Model model, List<Input> batch, long watermark, String where) {
    long duplicatesBefore = h.duplicates.sum();
    long modelDuplicatesBefore = model.duplicates;
    List<Long> expected = model.process(batch, watermark);

    List<Long> actual = h.process(batch, watermark);

    assertThat(actual).as(where + ": offsets written").isEqualTo(expected);
    assertThat(h.duplicates.sum() - duplicatesBefore)
        .as(where + ": duplicates counted")
        .isEqualTo(model.duplicates - modelDuplicatesBefore);
  }

  /**
   * After a flush the store holds every remembered key with its time, and nothing older than one
   * TTL plus the expiry index's granularity (a quarter TTL is more than enough).
   */
  private static void checkState(Harness h, Model model, long watermark, String where) {
    for (Map.Entry<Integer, Long> e : model.remembered.entrySet()) {
      if (model.knows(e.getKey(), watermark)) {
        assertThat(h.storedTime(e.getKey()))
            .as(where + ": stored time of remembered key " + e.getKey())
            .isEqualTo(e.getValue());
      }
    }
    long oldestAllowed = watermark - h.ttl - h.ttl / 4 - 1_000;
    assertThat(h.storedTimes())
        .as(where + ": keys long expired are deleted from the store")
        .allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(oldestAllowed));
  }

  private static List<Input> inputs(long firstOffset, long time, int... keys) {
    List<Input> result = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      result.add(new Input(keys[i], time + i, firstOffset + i));
    }
    return result;
  }

  private static List<Long> offsets(long from, long to) {
    List<Long> result = new ArrayList<>();
    for (long o = from; o < to; o++) {
      result.add(o);
    }
    return result;
  }

  @ParameterizedTest
  @MethodSource("configurations")
  void aRestoredDedupeStillDropsKeysSeenBeforeTheSnapshot(String backend, Keep keep, KeyKind kind)
      throws IOException {
    long ttl = 3_600_000_000L;
    Harness h = new Harness(backend, kind, keep, ttl);
    int[] first = new int[100];
    int[] again = new int[200];
    for (int i = 0; i < 100; i++) {
      first[i] = i;
      again[2 * i] = i; // seen before the snapshot
      again[2 * i + 1] = 100 + i; // new
    }
    assertThat(h.process(inputs(0, BASE + 1_000, first), BASE)).isEqualTo(offsets(0, 100));
    byte[] handle = h.checkpoint(BASE);
    h.process(inputs(1_000, BASE + 500_000, first), BASE); // lost in the crash

    h.restore(handle);
    // keep last: older records of known keys are duplicates, so send them older than before
    List<Long> written = h.process(inputs(100, BASE, again), BASE + 10);

    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add(100L + 2 * i + 1);
    }
    assertThat(written).as("written after the restore").isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.MEMORY, StateBackend.ROCKSDB})
  void keepLastWritesOnlyRecordsNewerThanTheNewestOfTheirKey(String backend) throws IOException {
    Harness h = new Harness(backend, KeyKind.LONG, Keep.LAST, 1_000_000);
    long wm = BASE;

    List<Long> written = new ArrayList<>();
    written.addAll(h.process(List.of(new Input(1, BASE + 100, 0)), wm));
    written.addAll(h.process(List.of(new Input(1, BASE + 50, 1)), wm)); // older: a duplicate
    written.addAll(h.process(List.of(new Input(1, BASE + 200, 2)), wm)); // newer: wins
    h.checkpoint(wm);
    written.addAll(
        h.process(
            List.of(
                new Input(1, BASE + 150, 3), // older than the newest, 200
                new Input(1, BASE + 300, 4),
                new Input(1, BASE + 250, 5),
                new Input(2, BASE + 10, 6)),
            wm));

    assertThat(written).containsExactly(0L, 2L, 4L, 6L);
    assertThat(h.duplicates.sum()).isEqualTo(3);
  }

  @ParameterizedTest
  @MethodSource("configurations")
  void forgetsAKeyWhenTheWatermarkReachesItsTimePlusTheTtl(String backend, Keep keep, KeyKind kind)
      throws IOException {
    long ttl = 1_000_000;
    Harness h = new Harness(backend, kind, keep, ttl);
    long t = BASE;
    assertThat(h.process(List.of(new Input(7, t, 0)), t)).containsExactly(0L);
    // keep first: a dropped duplicate does not make the key be remembered for longer
    assertThat(h.process(List.of(new Input(7, t - 10, 1)), t + ttl / 2)).isEmpty();
    h.operator.flush(t + ttl / 2, h.out);

    assertThat(h.process(List.of(new Input(7, t - 5, 2)), t + ttl - 1)).as("one before").isEmpty();
    assertThat(h.process(List.of(new Input(7, t + ttl, 3)), t + ttl))
        .as("at time plus TTL")
        .containsExactly(3L);
    assertThat(h.process(List.of(new Input(7, t + ttl - 1, 4)), t + ttl))
        .as("remembered again from the record it wrote")
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.MEMORY, StateBackend.ROCKSDB})
  void deletesExpiredKeysFromTheStoreAtTheNextFlush(String backend) throws IOException {
    long ttl = 10_000_000; // 10 s
    Harness h = new Harness(backend, KeyKind.LONG, Keep.FIRST, ttl);
    // 1,000 keys, one every 10 ms of event time: 10 s of keys
    List<Input> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      batch.add(new Input(i, BASE + i * 10_000L, i));
    }
    h.process(batch, BASE);
    h.checkpoint(BASE);
    assertThat(h.storedTimes()).hasSize(1_000);

    // half of the keys have expired
    long wm = BASE + ttl + 5_000_000;
    h.operator.flush(wm, h.out);

    List<Long> stored = h.storedTimes();
    assertThat(stored)
        .as("every key still remembered stays")
        .hasSizeGreaterThanOrEqualTo(500)
        .as("keys expired for more than an eighth of the TTL are gone")
        .allSatisfy(time -> assertThat(time + ttl).isGreaterThan(wm - ttl / 8 - 1_000));
    assertThat(stored.size()).as("keys left").isLessThan(1_000 * 5 / 8);

    // a restarted dedupe, which can only ask the store, has forgotten them too
    byte[] handle = h.checkpoint(wm);
    h.restore(handle);
    assertThat(h.process(List.of(new Input(3, wm, 5_000), new Input(999, wm, 5_001)), wm))
        .containsExactly(5_000L);

    long end = BASE + 100 * ttl;
    h.operator.flush(end, h.out);
    assertThat(h.storedEntries()).as("entries once every key has expired").isZero();
  }

  /**
   * A keyed task whose dedupe was restored may take a checkpoint before any record reaches it (its
   * keys are rare, the watermark still moves); expiring keys then must not need the key filter that
   * the first batch builds.
   */
  @ParameterizedTest
  @ValueSource(strings = {StateBackend.MEMORY, StateBackend.ROCKSDB})
  void aRestoredDedupeCanCheckpointBeforeItsFirstRecord(String backend) throws IOException {
    long ttl = 1_000_000;
    Harness h = new Harness(backend, KeyKind.LONG, Keep.FIRST, ttl);
    h.process(inputs(0, BASE, 1, 2, 3), BASE);
    byte[] handle = h.checkpoint(BASE);
    h.restore(handle);

    long wm = BASE + 3 * ttl; // the keys of the snapshot have expired
    h.operator.advance(wm, h.out);
    h.operator.flush(wm, h.out);

    assertThat(h.storedTimes()).as("expired keys deleted").isEmpty();
    assertThat(h.process(inputs(10, wm, 1, 2, 3), wm)).containsExactly(10L, 11L, 12L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"LONG", "COMPOSITE"})
  void aRecordWithANullKeyIsABadRecordAndTheRestOfItsBatchGoesOn(KeyKind kind) throws IOException {
    Harness h = new Harness(StateBackend.MEMORY, kind, Keep.FIRST, 1_000_000);

    List<Long> written =
        h.process(
            List.of(
                new Input(1, BASE, 0),
                new Input(-1, BASE, 1),
                new Input(1, BASE + 1, 2),
                new Input(2, BASE + 2, 3)),
            BASE);

    assertThat(written).containsExactly(0L, 3L);
    assertThat(h.out.bad).hasSize(1);
    assertThat(h.out.bad.get(0).event().origin().offset()).isEqualTo(1);
    assertThat(h.out.bad.get(0).error())
        .isEqualTo(kind == KeyKind.LONG ? "key column id is null" : "key column name is null");
    assertThat(h.duplicates.sum()).isEqualTo(1);
  }
}
