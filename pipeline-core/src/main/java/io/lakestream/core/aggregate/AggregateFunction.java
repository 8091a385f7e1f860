package io.lakestream.core.aggregate;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One aggregate of a window step, parsed from a spec entry such as {@code revenue: sum(amount)}:
 * the output column and the function that computes it over the records of a window.
 *
 * <table>
 *   <caption>Functions</caption>
 *   <tr><th>call</th><th>column types</th><th>result</th></tr>
 *   <tr><td>{@code count(*)}</td><td></td><td>long: records</td></tr>
 *   <tr><td>{@code count(col)}</td><td>any</td><td>long: non-null values</td></tr>
 *   <tr><td>{@code sum(col)}</td><td>int, long; float, double; decimal(p,s)</td>
 *       <td>long (overflow is an error); double; decimal(38,s)</td></tr>
 *   <tr><td>{@code avg(col)}</td><td>int, long, float, double, decimal</td><td>double</td></tr>
 *   <tr><td>{@code min(col)}, {@code max(col)}</td>
 *       <td>int, long, float, double, decimal, string, date, timestamp</td><td>the column's</td></tr>
 *   <tr><td>{@code first(col)}, {@code last(col)}</td><td>primitive or decimal</td>
 *       <td>the column's: the value with the earliest / latest event time</td></tr>
 *   <tr><td>{@code count_distinct(col)}</td><td>primitive or decimal</td>
 *       <td>long: exact</td></tr>
 *   <tr><td>{@code approx_count_distinct(col)}</td><td>primitive or decimal</td>
 *       <td>long: HLL estimate, about 1.6 % error</td></tr>
 * </table>
 *
 * <p>As in SQL, every function but {@code count(*)} ignores null values, and every function but the
 * counts returns null for a window without non-null values; the counts return 0. Function names are
 * case-insensitive; column names are not.
 *
 * <p>Instances are immutable and thread-safe; their {@link Accumulator}s are not.
 */
public final class AggregateFunction {
  private static final Pattern CALL =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\(([^()]*)\\)\\s*");
  private static final Pattern COUNT_DISTINCT_SQL =
      Pattern.compile("distinct\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
  private static final String ALL = "*";

  private final String outputName;
  private final String call;
  private final DataType resultType;
  private final Supplier<Accumulator> factory;
  private final Reader reader;

  private AggregateFunction(
      String outputName,
      String call,
      DataType resultType,
      Supplier<Accumulator> factory,
      Reader reader) {
    this.outputName = outputName;
    this.call = call;
    this.resultType = resultType;
    this.factory = factory;
    this.reader = reader;
  }

  /**
   * Parses {@code call}, e.g. {@code sum(amount)}, against the records' schema.
   *
   * @param outputName the column the result goes to
   * @param call a function applied to {@code *} or to a top-level column of {@code input}
   * @param input the schema of the records the function aggregates
   * @throws IllegalArgumentException if {@code call} is not a known function applied to a column of
   *     {@code input} of a type the function accepts; the message says what is wrong for the user
   */
  public static AggregateFunction parse(String outputName, String call, Schema input) {
    Objects.requireNonNull(outputName, "outputName");
    Matcher m = CALL.matcher(call);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected function(column), e.g. sum(amount): " + quote(call));
    }
    Kind kind = Kind.named(m.group(1));
    String name = kind.spelling;
    String argument = m.group(2).strip();
    if (argument.equals(ALL)) {
      if (kind != Kind.COUNT) {
        throw new IllegalArgumentException(
            "only count takes *, "
                + name
                + " needs a column, e.g. "
                + name
                + "(amount): "
                + quote(call));
      }
      return new AggregateFunction(
          outputName,
          "count(*)",
          DataType.Primitive.LONG,
          () -> new CountAccumulator(CountAccumulator.ALL),
          in -> CountAccumulator.read(in, CountAccumulator.ALL));
    }
    if (argument.isEmpty()) {
      String example = kind == Kind.COUNT ? "count(*) or count(amount)" : name + "(amount)";
      throw new IllegalArgumentException(
          name + " needs a column, e.g. " + example + ": " + quote(call));
    }
    Matcher distinct = COUNT_DISTINCT_SQL.matcher(argument);
    if (kind == Kind.COUNT && distinct.matches()) {
      throw new IllegalArgumentException(
          "write count_distinct("
              + distinct.group(1)
              + ") to count distinct values: "
              + quote(call));
    }
    int position = position(argument, input);
    DataType type = input.field(position).type();
    kind.check(argument, type);
    return kind.bind(outputName, name + "(" + argument + ")", position, type);
  }

  /** The column the result goes to. */
  public String outputName() {
    return outputName;
  }

  /** The type of {@link Accumulator#result()}. */
  public DataType resultType() {
    return resultType;
  }

  /** An accumulator that has seen no records. */
  public Accumulator newAccumulator() {
    return factory.get();
  }

  /**
   * Restores an accumulator of this function from what {@link Accumulator#write} wrote.
   *
   * @throws IOException if {@code in} fails, ends early or does not hold this function's state
   */
  public Accumulator read(DataInput in) throws IOException {
    return reader.read(in);
  }

  /** The spec entry, e.g. {@code revenue: sum(amount)}. */
  @Override
  public String toString() {
    return outputName + ": " + call;
  }

  private static int position(String column, Schema input) {
    OptionalInt position = input.position(column);
    if (position.isPresent()) {
      return position.getAsInt();
    }
    List<String> columns = input.fields().stream().map(Field::name).toList();
    String guess = closest(column, columns);
    throw new IllegalArgumentException(
        "no column "
            + quote(column)
            + (guess == null ? "" : ", did you mean " + quote(guess) + "?")
            + " (columns: "
            + (columns.isEmpty() ? "none" : String.join(", ", columns))
            + ")");
  }

  /** The function an {@link Accumulator} computes, with the column types it accepts. */
  private enum Kind {
    COUNT(null),
    SUM("numeric"),
    MIN("numeric, string, date or timestamp"),
    MAX("numeric, string, date or timestamp"),
    AVG("numeric"),
    FIRST("primitive or decimal"),
    LAST("primitive or decimal"),
    COUNT_DISTINCT("primitive or decimal"),
    APPROX_COUNT_DISTINCT("primitive or decimal");

    private static final List<String> SPELLINGS =
        Arrays.stream(values()).map(kind -> kind.spelling).toList();
    private static final Set<DataType.Primitive> NUMERIC =
        Set.of(
            DataType.Primitive.INT,
            DataType.Primitive.LONG,
            DataType.Primitive.FLOAT,
            DataType.Primitive.DOUBLE);
    private static final Set<DataType.Primitive> ORDERED =
        Set.of(
            DataType.Primitive.INT,
            DataType.Primitive.LONG,
            DataType.Primitive.FLOAT,
            DataType.Primitive.DOUBLE,
            DataType.Primitive.STRING,
            DataType.Primitive.DATE,
            DataType.Primitive.TIMESTAMP);

    final String spelling = name().toLowerCase(Locale.ROOT);
    private final String accepted;

    Kind(String accepted) {
      this.accepted = accepted;
    }

    static Kind named(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      for (Kind kind : values()) {
        if (kind.spelling.equals(lower)) {
          return kind;
        }
      }
      String guess = closest(lower, SPELLINGS);
      throw new IllegalArgumentException(
          "unknown aggregate function "
              + quote(name)
              + (guess == null ? "" : " (did you mean " + guess + "?)")
              + "; expected one of "
              + String.join(", ", SPELLINGS));
    }

    /** Rejects a column type this function does not aggregate. */
    void check(String column, DataType type) {
      boolean accepts =
          switch (this) {
            case COUNT -> true;
            case SUM, AVG -> type instanceof DataType.Decimal || NUMERIC.contains(type);
            case MIN, MAX -> type instanceof DataType.Decimal || ORDERED.contains(type);
            case FIRST, LAST, COUNT_DISTINCT, APPROX_COUNT_DISTINCT ->
                type instanceof DataType.Decimal || type instanceof DataType.Primitive;
          };
      if (!accepts) {
        throw new IllegalArgumentException(
            spelling
                + " needs a "
                + accepted
                + " column, but "
                + quote(column)
                + " is "
                + typeName(type));
      }
    }

    /** The function applied to the column at {@code position}, of a type it accepts. */
    AggregateFunction bind(String outputName, String call, int position, DataType type) {
      return switch (this) {
        case COUNT ->
            new AggregateFunction(
                outputName,
                call,
                DataType.Primitive.LONG,
                () -> new CountAccumulator(position),
                in -> CountAccumulator.read(in, position));
        case SUM, AVG -> sum(outputName, call, position, type, this == AVG);
        case MIN, MAX ->
            new AggregateFunction(
                outputName,
                call,
                type,
                () -> new MinMaxAccumulator(position, type, this == MAX),
                in -> MinMaxAccumulator.read(in, position, type, this == MAX));
        case FIRST, LAST ->
            new AggregateFunction(
                outputName,
                call,
                type,
                () -> new FirstLastAccumulator(position, type, this == LAST),
                in -> FirstLastAccumulator.read(in, position, type, this == LAST));
        case COUNT_DISTINCT ->
            new AggregateFunction(
                outputName,
                call,
                DataType.Primitive.LONG,
                () -> new DistinctCountAccumulator(position, type),
                in -> DistinctCountAccumulator.read(in, position, type));
        case APPROX_COUNT_DISTINCT ->
            new AggregateFunction(
                outputName,
                call,
                DataType.Primitive.LONG,
                () -> new ApproxDistinctCountAccumulator(position),
                in -> ApproxDistinctCountAccumulator.read(in, position));
      };
    }

    private static AggregateFunction sum(
        String outputName, String call, int position, DataType type, boolean average) {
      if (type instanceof DataType.Decimal decimal) {
        DataType.Decimal sumType = new DataType.Decimal(38, decimal.scale());
        return new AggregateFunction(
            outputName,
            call,
            average ? DataType.Primitive.DOUBLE : sumType,
            () -> new DecimalSumAccumulator(position, sumType, average, call),
            in -> DecimalSumAccumulator.read(in, position, sumType, average, call));
      }
      if (type == DataType.Primitive.INT || type == DataType.Primitive.LONG) {
        return new AggregateFunction(
            outputName,
            call,
            average ? DataType.Primitive.DOUBLE : DataType.Primitive.LONG,
            () -> new LongSumAccumulator(position, average, call),
            in -> LongSumAccumulator.read(in, position, average, call));
      }
      return new AggregateFunction(
          outputName,
          call,
          DataType.Primitive.DOUBLE,
          () -> new DoubleSumAccumulator(position, average),
          in -> DoubleSumAccumulator.read(in, position, average));
    }
  }

  /** Restores an accumulator from its written state. */
  @FunctionalInterface
  private interface Reader {
    Accumulator read(DataInput in) throws IOException;
  }

  /** How a type is written in a spec: {@code string}, {@code decimal(10,2)}, {@code list<int>}. */
  private static String typeName(DataType type) {
    if (type instanceof DataType.ListOf list) {
      return "list<" + typeName(list.element()) + ">";
    }
    return type instanceof DataType.Primitive ? type.toString() : type.name();
  }

  /**
   * The candidate a mistyped name most likely meant: one within a small edit distance, or null if
   * none is close. One edit turns a short name into many others, so short names get fewer.
   */
  private static String closest(String name, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int shorter = Math.min(name.length(), candidate.length());
      int allowed = shorter <= 2 ? 0 : shorter <= 4 ? 1 : 2;
      int distance =
          editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance: the fewest single-character inserts, deletes and replacements. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String quote(String text) {
    return '"' + text + '"';
  }
}
