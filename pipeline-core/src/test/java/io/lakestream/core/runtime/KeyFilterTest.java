package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link KeyFilter}: never a false negative, few false positives at the load it is sized for. */
class KeyFilterTest {
  private static final byte PREFIX = 1; // the dedupe's key prefix
  private static final KeyColumns LONG_KEY =
      new KeyColumns(
          new Schema(List.of(Field.required("id", DataType.Primitive.LONG))),
          List.of("id"),
          "key column");
  private static final KeyColumns COMPOSITE_KEY =
      new KeyColumns(
          new Schema(
              List.of(
                  Field.required("name", DataType.Primitive.STRING),
                  Field.required("n", DataType.Primitive.INT))),
          List.of("name", "n"),
          "key column");

  /**
   * The hash of the {@code i}-th key of a kind, encoded as the dedupe encodes it: {@code
   * sequential} event ids, {@code random} event ids, or {@code composite} (string, int) keys.
   */
  private static LongFunction<Long> keys(String kind, long seed) {
    long salt = new SplittableRandom(seed).nextLong();
    return switch (kind) {
      case "sequential" -> i -> KeyFilter.hash(LONG_KEY.bytes(PREFIX, new Object[] {salt + i}));
      case "random" ->
          i ->
              KeyFilter.hash(
                  LONG_KEY.bytes(PREFIX, new Object[] {new SplittableRandom(salt ^ i).nextLong()}));
      case "composite" ->
          i ->
              KeyFilter.hash(
                  COMPOSITE_KEY.bytes(
                      PREFIX, new Object[] {"user-" + (i % 1000) + "-" + salt, (int) (i / 1000)}));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @CsvSource({
    "sequential, 1024, 1",
    "sequential, 1024, 9",
    "random, 100000, 1",
    "random, 4096, 30",
    "composite, 50000, 3"
  })
  void neverForgetsAKeyAlsoAfterGrowingBeyondItsCapacity(String kind, int capacity, int loads) {
    for (long seed = 1; seed <= 3; seed++) {
      LongFunction<Long> key = keys(kind, seed);
      KeyFilter filter = new KeyFilter(capacity);
      long n = (long) capacity * loads;

      for (long i = 0; i < n; i++) {
        filter.add(key.apply(i));
      }

      assertThat(filter.added()).isEqualTo(n);
      for (long i = 0; i < n; i++) {
        if (!filter.mightContain(key.apply(i))) {
          throw new AssertionError("seed " + seed + ": key " + i + " of " + n + " was forgotten");
        }
      }
    }
  }

  /** Design load: as many keys as the filter was sized for (the dedupe sizes it at 2x its keys). */
  @ParameterizedTest
  @CsvSource({
    "sequential, 1048576",
    "random, 1048576",
    "composite, 200000",
    "sequential, 100000",
    "random, 1024"
  })
  void reportsFewerThanFivePercentOfAbsentKeysAsPresentAtItsDesignLoad(String kind, int capacity) {
    for (long seed = 1; seed <= 2; seed++) {
      double rate = falsePositiveRate(kind, seed, capacity, capacity);
      assertThat(rate)
          .as("seed %d: false-positive rate of %s keys at %d keys", seed, kind, capacity)
          .isLessThan(0.05);
    }
  }

  /**
   * After growing to several times its first capacity the filter has several segments, each of
   * which may answer yes; the rate must still stay low enough for the dedupe to profit from it.
   */
  @ParameterizedTest
  @CsvSource({"sequential, 65536, 3", "random, 65536, 7"})
  void staysUsefulAfterGrowing(String kind, int capacity, int loads) {
    double rate = falsePositiveRate(kind, 11, capacity, capacity * loads);
    assertThat(rate)
        .as("false-positive rate of %s keys at %d times capacity", kind, loads)
        .isLessThan(0.05);
  }

  private static double falsePositiveRate(String kind, long seed, int capacity, long added) {
    LongFunction<Long> key = keys(kind, seed);
    KeyFilter filter = new KeyFilter(capacity);
    for (long i = 0; i < added; i++) {
      filter.add(key.apply(i));
    }
    long probes = Math.max(100_000, added);
    long positives = 0;
    for (long i = added; i < added + probes; i++) {
      if (filter.mightContain(key.apply(i))) {
        positives++;
      }
    }
    return (double) positives / probes;
  }
}
