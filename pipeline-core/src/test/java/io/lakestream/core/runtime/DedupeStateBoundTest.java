package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.TransformSpec.Dedupe.Keep;
import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State stays bounded: a dedupe with a 1-hour TTL in event time over 10 million distinct keys
 * spread evenly over 4 hours of event time, checkpointed every 100,000 records on RocksDB. Once the
 * watermark is past the first TTL, the number of keys in state and the store's size must stop
 * growing: what is older than the TTL is deleted as fast as new keys arrive.
 */
class DedupeStateBoundTest {
  private static final int KEYS = 10_000_000;
  private static final long SPAN_MICROS = TimeUnit.HOURS.toMicros(4);
  private static final long TTL_MICROS = TimeUnit.HOURS.toMicros(1);
  private static final int CHECKPOINT_EVERY = 100_000;
  private static final int BATCH = 256;

  @TempDir Path dir;

  @Test
  void stateIsFlatAfterTheTtlHorizon() throws Exception {
    Schema schema = new Schema(List.of(Field.required("event_id", DataType.Primitive.LONG)));
    List<long[]> samples = new ArrayList<>(); // {event-time offset, live keys, store bytes}
    try (StateBackend backend = StateBackend.create("rocksdb", dir)) {
      StateStore store = backend.open("dedupe-0", null);
      DedupeOperator dedupe =
          new DedupeOperator(
              new KeyColumns(schema, List.of("event_id"), "key column"),
              TTL_MICROS,
              Keep.FIRST,
              store,
              new LongAdder());
      Counting out = new Counting();
      long start = 1_764_000_000_000_000L;
      Event[] batch = new Event[BATCH];
      for (int i = 0; i < KEYS; i += BATCH) {
        int n = Math.min(BATCH, KEYS - i);
        long newest = 0;
        for (int j = 0; j < n; j++) {
          long time = start + (i + j) * (SPAN_MICROS / KEYS);
          batch[j] = new Event(new Row(new Object[] {(long) (i + j)}), time, null);
          newest = time;
        }
        dedupe.processBatch(batch, n, newest, out);
        if ((i + n) / CHECKPOINT_EVERY != i / CHECKPOINT_EVERY) {
          dedupe.flush(newest, out);
          store.snapshot((i + n) / CHECKPOINT_EVERY);
          if (samples.size() % 5 == 4) { // counting keys scans the store: not every checkpoint
            samples.add(new long[] {newest - start, liveKeys(store), store.sizeBytes()});
          } else {
            samples.add(new long[] {newest - start, -1, store.sizeBytes()});
          }
        }
      }
      assertThat(out.emitted).isEqualTo(KEYS);
      store.close();
    }

    StringBuilder report = new StringBuilder("event time, keys in state, store MB\n");
    for (int i = 4; i < samples.size(); i += 5) {
      long[] s = samples.get(i);
      report.append(
          String.format(Locale.ROOT, "%5.2f h %,12d %8.1f%n", s[0] / 3.6e9, s[1], s[2] / 1e6));
    }
    System.out.print(report);

    // keys: one TTL of keys, plus the bucket not yet expired and one checkpoint's worth
    long keysPerTtl = KEYS / (SPAN_MICROS / TTL_MICROS);
    long maxLiveKeys = keysPerTtl + keysPerTtl / 8 * 2 + CHECKPOINT_EVERY;
    for (long[] s : samples) {
      assertThat(s[1]).as("keys in state at %s µs%n%s", s[0], report).isLessThan(maxLiveKeys);
    }
    // bytes: the largest size in the last hour is no larger than in the hour after the horizon
    long secondHour = maxBytes(samples, TTL_MICROS + TTL_MICROS / 4, 2 * TTL_MICROS);
    long lastHour = maxBytes(samples, SPAN_MICROS - TTL_MICROS, SPAN_MICROS);
    assertThat(lastHour)
        .as("store bytes, last hour vs second hour%n%s", report)
        .isLessThan(secondHour * 5 / 4);
  }

  private static long maxBytes(List<long[]> samples, long from, long to) {
    return samples.stream()
        .filter(s -> s[0] >= from && s[0] < to)
        .mapToLong(s -> s[2])
        .max()
        .orElseThrow();
  }

  private static long liveKeys(StateStore store) {
    long[] count = {0};
    store.scan(
        new byte[] {1},
        new byte[] {2},
        (k, v) -> {
          count[0]++;
          return true;
        });
    return count[0];
  }

  private static final class Counting implements Emitter {
    long emitted;

    @Override
    public void emit(Row row, Event cause) {
      emitted++;
    }

    @Override
    public void emitResult(Row row) {}

    @Override
    public void retract(Row keyRow) {}

    @Override
    public void late(Event event, String reason, long watermark) {}

    @Override
    public void badRecord(Event event, String error) {
      throw new AssertionError(error);
    }

    @Override
    public void refused(Row row, String origin, String stage, String error) {
      throw new AssertionError(error);
    }
  }
}
