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
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A keep-first dedupe by {@code event_id} with a 1 h TTL in event time, per record, as the {@code
 * bench --workload dedupe} pipeline drives it: batches of 256 events with growing ids one
 * millisecond apart, every tenth a redelivery of one of the last 1,000, and a checkpoint flush
 * every million records. Measured in the steady state: the setup first feeds one TTL of events (3.6
 * million), so that every flush also expires about as many keys as arrived since the one before
 * (the end-to-end benchmark's 2 million events span only 33 minutes of event time and never expire
 * a key). The time includes making the events.
 *
 * <p>Run: {@code mvn -pl pipeline-core test-compile exec:exec@jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class DedupeOperatorBenchmark {
  private static final int BATCH = 256;
  private static final int FLUSH_EVERY = 1_000_000;
  private static final int RECENT = 1_000;
  private static final long START_MICROS = 1_764_000_000_000_000L;
  private static final long OUT_OF_ORDERNESS_MICROS = 5_000_000;
  private static final long TTL_MICROS = TimeUnit.HOURS.toMicros(1);

  @Param({"rocksdb", "memory"})
  public String backend;

  private Path dir;
  private StateBackend state;
  private StateStore store;
  private DedupeOperator dedupe;
  private final Event[] batch = new Event[BATCH];
  private final SplittableRandom random = new SplittableRandom(1);
  private long records;
  private long nextId;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("dedupe-benchmark");
    state = StateBackend.create(backend, dir);
    store = state.open("dedupe-0", null);
    Schema schema = new Schema(List.of(Field.required("event_id", DataType.Primitive.LONG)));
    dedupe =
        new DedupeOperator(
            new KeyColumns(schema, List.of("event_id"), "key column"),
            TTL_MICROS,
            Keep.FIRST,
            store,
            new LongAdder());
    Blackhole fill =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    while (nextId * 1_000 < TTL_MICROS) {
      processBatch(fill);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    state.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void processBatch(Blackhole out) {
    for (int i = 0; i < BATCH; i++) {
      long id =
          ++records % 10 == 0 && nextId > 0
              ? nextId - 1 - random.nextInt((int) Math.min(nextId, RECENT))
              : nextId++;
      batch[i] = new Event(new Row(id), START_MICROS + id * 1_000, null);
    }
    long watermark = START_MICROS + nextId * 1_000 - OUT_OF_ORDERNESS_MICROS;
    Emitter emitter = new BlackholeEmitter(out);
    dedupe.processBatch(batch, BATCH, watermark, emitter);
    if (records % FLUSH_EVERY < BATCH) {
      dedupe.flush(watermark, emitter);
    }
  }

  /** Takes what the dedupe lets through, so that the JIT cannot drop the work. */
  private record BlackholeEmitter(Blackhole out) implements Emitter {
    @Override
    public void emit(Row row, Event cause) {
      out.consume(row);
    }

    @Override
    public void emitResult(Row row) {}

    @Override
    public void retract(Row keyRow) {}

    @Override
    public void late(Event event, String reason, long watermark) {}

    @Override
    public void badRecord(Event event, String error) {}

    @Override
    public void refused(Row row, String origin, String stage, String error) {}
  }
}
