package io.lakestream.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every function against a reference model computed here with streams, on random records with nulls
 * and repeated event times.
 */
class AccumulatorTest {
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.optional("i", Primitive.INT),
              Field.optional("l", Primitive.LONG),
              Field.optional("f", Primitive.FLOAT),
              Field.optional("d", Primitive.DOUBLE),
              Field.optional("m", new DataType.Decimal(10, 2)),
              Field.optional("s", Primitive.STRING),
              Field.optional("b", Primitive.BOOLEAN),
              Field.optional("bin", Primitive.BINARY),
              Field.optional("day", Primitive.DATE),
              Field.optional("ts", Primitive.TIMESTAMP)));

  private record Event(Row row, long time) {}

  /**
   * Random records; a fifth of the values are null. Floats and doubles are multiples of 1/8 small
   * enough for every sum of them to be exact, so the order of additions does not matter.
   */
  private static List<Event> events(long seed, int count) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      Object[] values = {
        random.nextInt(2001) - 1000,
        random.nextLong() >> 24,
        (random.nextInt(8001) - 4000) / 8f,
        (random.nextInt(80_001) - 40_000) / 8d,
        BigDecimal.valueOf(random.nextInt(2_000_001) - 1_000_000, 2),
        random.nextInt(10) == 0 ? "" : "s" + random.nextInt(60),
        random.nextBoolean(),
        randomBytes(random),
        random.nextInt(20_000),
        random.nextLong() >> 8
      };
      for (int v = 0; v < values.length; v++) {
        if (random.nextInt(5) == 0) {
          values[v] = null;
        }
      }
      events.add(new Event(new Row(values), random.nextInt(20)));
    }
    return events;
  }

  private static ByteBuffer randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(3)];
    for (int k = 0; k < bytes.length; k++) {
      bytes[k] = (byte) random.nextInt(2);
    }
    return ByteBuffer.wrap(bytes);
  }

  /** The non-null values of a column, in the order of the events. */
  private static List<Object> values(List<Event> events, String column) {
    int position = SCHEMA.position(column).getAsInt();
    return events.stream().map(e -> e.row().get(position)).filter(Objects::nonNull).toList();
  }

  private static Function<List<Event>, Object> over(
      String column, Function<List<Object>, Object> reference) {
    return events -> reference.apply(values(events, column));
  }

  private static Object nullIfEmpty(List<Object> values, Function<List<Object>, Object> f) {
    return values.isEmpty() ? null : f.apply(values);
  }

  private static long longSum(List<Object> values) {
    return values.stream().mapToLong(v -> ((Number) v).longValue()).sum();
  }

  private static double doubleSum(List<Object> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
  }

  private static BigDecimal decimalSum(List<Object> values) {
    return values.stream().map(v -> (BigDecimal) v).reduce(BigDecimal::add).orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Object extreme(List<Object> values, boolean max) {
    Comparator<Object> natural = (a, b) -> ((Comparable<Object>) a).compareTo(b);
    return max
        ? values.stream().max(natural).orElse(null)
        : values.stream().min(natural).orElse(null);
  }

  /** The value of the earliest (or latest) event by a stable sort on time. */
  private static Function<List<Event>, Object> byTime(String column, boolean last) {
    int position = SCHEMA.position(column).getAsInt();
    return events -> {
      List<Event> withValue =
          new ArrayList<>(events.stream().filter(e -> e.row().get(position) != null).toList());
      withValue.sort(Comparator.comparingLong(Event::time));
      if (withValue.isEmpty()) {
        return null;
      }
      return withValue.get(last ? withValue.size() - 1 : 0).row().get(position);
    };
  }

  private static Function<List<Event>, Object> distinct(String column) {
    return over(column, values -> values.stream().distinct().count());
  }

  static Stream<Arguments> functions() {
    List<Arguments> functions = new ArrayList<>();
    functions.add(arguments("count(*)", (Function<List<Event>, Object>) e -> (long) e.size()));
    for (String column : List.of("i", "s", "bin", "ts")) {
      functions.add(arguments("count(" + column + ")", over(column, v -> (long) v.size())));
    }
    for (String column : List.of("i", "l")) {
      functions.add(
          arguments("sum(" + column + ")", over(column, v -> nullIfEmpty(v, x -> longSum(x)))));
      functions.add(
          arguments(
              "avg(" + column + ")",
              over(column, v -> nullIfEmpty(v, x -> (double) longSum(x) / x.size()))));
    }
    for (String column : List.of("f", "d")) {
      functions.add(
          arguments("sum(" + column + ")", over(column, v -> nullIfEmpty(v, x -> doubleSum(x)))));
      functions.add(
          arguments(
              "avg(" + column + ")",
              over(column, v -> nullIfEmpty(v, x -> doubleSum(x) / x.size()))));
    }
    functions.add(arguments("sum(m)", over("m", v -> nullIfEmpty(v, x -> decimalSum(x)))));
    functions.add(
        arguments(
            "avg(m)", over("m", v -> nullIfEmpty(v, x -> decimalSum(x).doubleValue() / x.size()))));
    for (String column : List.of("i", "l", "f", "d", "m", "s", "day", "ts")) {
      functions.add(arguments("min(" + column + ")", over(column, v -> extreme(v, false))));
      functions.add(arguments("max(" + column + ")", over(column, v -> extreme(v, true))));
    }
    for (String column : List.of("i", "m", "s", "b", "bin", "ts")) {
      functions.add(arguments("first(" + column + ")", byTime(column, false)));
      functions.add(arguments("last(" + column + ")", byTime(column, true)));
    }
    for (String column : List.of("i", "l", "f", "d", "m", "s", "b", "bin", "day", "ts")) {
      // small sets: the sketch is still exact
      functions.add(arguments("count_distinct(" + column + ")", distinct(column)));
      functions.add(arguments("approx_count_distinct(" + column + ")", distinct(column)));
    }
    return functions.stream();
  }

  static Stream<String> calls() {
    return functions().map(arguments -> (String) arguments.get()[0]);
  }

  private static Accumulator accumulate(AggregateFunction function, List<Event> events) {
    Accumulator accumulator = function.newAccumulator();
    for (Event event : events) {
      accumulator.add(event.row(), event.time());
    }
    return accumulator;
  }

  private static void assertResult(Object actual, Object expected) {
    if (expected instanceof Double e && actual instanceof Double a) {
      // avg(m) divides a decimal sum: allow the last bits of a double to differ
      assertThat(a).isCloseTo(e, within(Math.abs(e) * 1e-12));
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  private static byte[] written(Accumulator accumulator) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    accumulator.write(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functions")
  void matchesTheReferenceOnRandomRecords(String call, Function<List<Event>, Object> reference) {
    AggregateFunction function = AggregateFunction.parse("out", call, SCHEMA);

    for (int seed = 0; seed < 30; seed++) {
      List<Event> events = events(seed, seed % 10 == 0 ? seed / 10 : 300);

      Object result = accumulate(function, events).result();

      assertResult(result, reference.apply(events));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void mergingEqualsAddingEverythingToOneAccumulator(String call) {
    AggregateFunction function = AggregateFunction.parse("out", call, SCHEMA);
    Random random = new Random(7);

    for (int seed = 0; seed < 20; seed++) {
      List<Event> events = events(seed, 200);
      Accumulator merged = function.newAccumulator();
      int from = 0;
      while (from < events.size()) {
        int to = Math.min(events.size(), from + random.nextInt(60));
        merged.merge(accumulate(function, events.subList(from, to)));
        from = to;
      }

      assertThat(merged.result()).isEqualTo(accumulate(function, events).result());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void restoresWhatItWroteAndContinuesFromThere(String call) throws IOException {
    AggregateFunction function = AggregateFunction.parse("out", call, SCHEMA);
    List<Event> before = events(1, 150);
    List<Event> after = events(2, 150);
    Accumulator original = accumulate(function, before);
    Accumulator empty = function.newAccumulator();

    byte[] bytes = written(original);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    Accumulator restored = function.read(in);
    Accumulator restoredEmpty =
        function.read(new DataInputStream(new ByteArrayInputStream(written(empty))));

    assertThat(in.available()).isZero();
    assertThat(restored.result()).isEqualTo(original.result());
    assertThat(restoredEmpty.result()).isEqualTo(empty.result());
    for (Event event : after) {
      original.add(event.row(), event.time());
      restored.add(event.row(), event.time());
    }
    assertThat(restored.result()).isEqualTo(original.result());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void ignoresNullsAndReturnsNullOrZeroWithoutValues(String call) {
    AggregateFunction function = AggregateFunction.parse("out", call, SCHEMA);
    Accumulator accumulator = function.newAccumulator();
    Object nothing = accumulator.result();
    for (int n = 0; n < 3; n++) {
      accumulator.add(new Row(new Object[SCHEMA.size()]), n);
    }

    if (call.contains("count")) {
      assertThat(nothing).isEqualTo(0L);
      assertThat(accumulator.result()).isEqualTo(call.equals("count(*)") ? 3L : 0L);
    } else {
      assertThat(nothing).isNull();
      assertThat(accumulator.result()).isNull();
    }
  }

  @Test
  void firstAndLastBreakTiesByArrivalAlsoWhenMerging() {
    AggregateFunction first = AggregateFunction.parse("first", "first(s)", SCHEMA);
    AggregateFunction last = AggregateFunction.parse("last", "last(s)", SCHEMA);
    Row a = row("s", "a");
    Row b = row("s", "b");
    Row c = row("s", "c");

    Accumulator firstSeen = first.newAccumulator();
    Accumulator lastSeen = last.newAccumulator();
    for (Accumulator accumulator : List.of(firstSeen, lastSeen)) {
      accumulator.add(b, 20);
      accumulator.add(a, 10);
      accumulator.add(c, 10);
      accumulator.add(row("s", null), 5);
      accumulator.add(row("s", "late"), 20);
    }
    Accumulator thisFirst = first.newAccumulator();
    Accumulator otherFirst = first.newAccumulator();
    thisFirst.add(a, 10);
    otherFirst.add(b, 10);
    thisFirst.merge(otherFirst);
    Accumulator thisLast = last.newAccumulator();
    Accumulator otherLast = last.newAccumulator();
    thisLast.add(a, 10);
    otherLast.add(b, 10);
    thisLast.merge(otherLast);

    assertThat(firstSeen.result()).isEqualTo("a");
    assertThat(lastSeen.result()).isEqualTo("late");
    assertThat(thisFirst.result()).isEqualTo("a");
    assertThat(thisLast.result()).isEqualTo("b");
  }

  @Test
  void failsWhenALongSumOverflows() {
    Accumulator sum = AggregateFunction.parse("total", "sum(l)", SCHEMA).newAccumulator();
    Accumulator other = AggregateFunction.parse("total", "sum(l)", SCHEMA).newAccumulator();
    sum.add(row("l", Long.MAX_VALUE), 0);
    other.add(row("l", Long.MAX_VALUE), 0);

    assertThatThrownBy(() -> sum.add(row("l", 1L), 0))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage(
            "sum(l) overflows the long range: 9223372036854775807 + 1; cast the column to a"
                + " decimal to sum larger values");
    assertThatThrownBy(() -> sum.merge(other)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void sumsDecimalsAtTheirScaleAndFailsBeyond38Digits() {
    Schema schema = new Schema(List.of(Field.optional("big", new DataType.Decimal(38, 0))));
    BigDecimal largest = new BigDecimal("9".repeat(38));
    Accumulator money = AggregateFunction.parse("t", "sum(m)", SCHEMA).newAccumulator();
    Accumulator big = AggregateFunction.parse("t", "sum(big)", schema).newAccumulator();
    money.add(row("m", new BigDecimal("1.10")), 0);
    money.add(row("m", new BigDecimal("2.20")), 0);
    big.add(new Row(largest), 0);

    assertThat(money.result()).isEqualTo(new BigDecimal("3.30"));
    assertThat(big.result()).isEqualTo(largest);
    big.add(new Row(BigDecimal.ONE), 0);
    assertThatThrownBy(big::result)
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("sum(big) = 1" + "0".repeat(38) + " has more digits than decimal(38,0) allows");
  }

  @Test
  void approximatesManyDistinctValuesWithinThreePercent() {
    AggregateFunction longs = AggregateFunction.parse("n", "approx_count_distinct(l)", SCHEMA);
    AggregateFunction strings = AggregateFunction.parse("n", "approx_count_distinct(s)", SCHEMA);
    Accumulator longCount = longs.newAccumulator();
    Accumulator stringCount = strings.newAccumulator();
    Accumulator firstHalf = strings.newAccumulator();
    Accumulator secondHalf = strings.newAccumulator();
    Random random = new Random(3);
    for (int n = 0; n < 100_000; n++) {
      long value = random.nextLong();
      longCount.add(row("l", value), n);
      longCount.add(row("l", value), n);
      stringCount.add(row("s", "user-" + n), n);
      // the halves overlap by 20 000 values
      (n < 60_000 ? firstHalf : secondHalf).add(row("s", "user-" + n), n);
      if (n >= 40_000 && n < 60_000) {
        secondHalf.add(row("s", "user-" + n), n);
      }
    }
    firstHalf.merge(secondHalf);

    assertThat((long) longCount.result()).isCloseTo(100_000L, within(3_000L));
    assertThat((long) stringCount.result()).isCloseTo(100_000L, within(3_000L));
    assertThat((long) firstHalf.result()).isCloseTo(100_000L, within(3_000L));
  }

  @Test
  void countsEmptyStringsAndBinariesAsValues() {
    Accumulator strings =
        AggregateFunction.parse("n", "approx_count_distinct(s)", SCHEMA).newAccumulator();
    Accumulator binaries =
        AggregateFunction.parse("n", "approx_count_distinct(bin)", SCHEMA).newAccumulator();
    strings.add(row("s", ""), 0);
    strings.add(row("s", "a"), 0);
    binaries.add(row("bin", ByteBuffer.allocate(0)), 0);
    binaries.add(row("bin", ByteBuffer.wrap(new byte[] {0})), 0);
    binaries.add(row("bin", ByteBuffer.wrap(new byte[] {0, 0})), 0);

    assertThat(strings.result()).isEqualTo(2L);
    assertThat(binaries.result()).isEqualTo(3L);
  }

  /** A row of {@link #SCHEMA} with one column set. */
  private static Row row(String column, Object value) {
    Row row = new Row(SCHEMA.size());
    row.set(SCHEMA.position(column).getAsInt(), value);
    return row;
  }
}
