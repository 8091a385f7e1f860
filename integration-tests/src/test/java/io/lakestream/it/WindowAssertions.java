package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Compares a stateful pipeline's tables with the reference model and, on a mismatch, says what
 * differs: missing, extra, repeated and different rows, with a few examples of each.
 */
final class WindowAssertions {
  private static final int EXAMPLES = 8;
  private static final double AVG_TOLERANCE = 1e-9;
  private static final double APPROX_TOLERANCE = 0.03;

  private WindowAssertions() {}

  /** The window table's rows by key, and the keys that have more than one row. */
  record Actual(Map<WindowKey, Map<String, Object>> rows, List<WindowKey> repeated, int size) {}

  static Actual read(WindowPipeline spec) {
    List<Record> records = LakeTables.rows(spec.tables(), spec.table());
    return actual(
        spec,
        records.stream()
            .map(
                r ->
                    new WindowKey(
                        micros(r.getField("window_start")),
                        micros(r.getField("window_end")),
                        (String) r.getField(WindowPipeline.GROUP_BY)))
            .toList(),
        records.stream().map(r -> (Function<String, Object>) r::getField).toList());
  }

  /** The window table's rows as Trino reads them through its catalog {@code catalog}. */
  static Actual readThroughTrino(WindowPipeline spec, TrinoServer trino, String catalog)
      throws SQLException {
    List<String> columns = new ArrayList<>(List.of("window_start", "window_end"));
    columns.add(WindowPipeline.GROUP_BY);
    spec.aggregates().forEach(a -> columns.add(a.name()));
    return fromColumns(
        spec,
        TrinoRows.query(
            trino,
            "SELECT " + String.join(", ", columns) + " FROM " + catalog + "." + spec.table()));
  }

  /**
   * The window table's rows read elsewhere as column maps, window bounds in microseconds (as Trino
   * gives them) or as timestamps (as Hudi's reader does).
   */
  static Actual fromColumns(WindowPipeline spec, List<Map<String, Object>> rows) {
    return actual(
        spec,
        rows.stream()
            .map(
                r ->
                    new WindowKey(
                        bound(r.get("window_start")),
                        bound(r.get("window_end")),
                        (String) r.get(WindowPipeline.GROUP_BY)))
            .toList(),
        rows.stream().map(r -> (Function<String, Object>) r::get).toList());
  }

  /** A window bound as microseconds: given so (Trino) or as a timestamp (Hudi's reader). */
  private static long bound(Object value) {
    return value instanceof Long micros ? micros : micros(value);
  }

  /** Rows by key from their keys and, for each, its columns by name. */
  private static Actual actual(
      WindowPipeline spec, List<WindowKey> keys, List<Function<String, Object>> columns) {
    Map<WindowKey, Map<String, Object>> rows = new TreeMap<>();
    List<WindowKey> repeated = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Aggregate a : spec.aggregates()) {
        values.put(a.name(), columns.get(i).apply(a.name()));
      }
      if (rows.put(keys.get(i), values) != null) {
        repeated.add(keys.get(i));
      }
    }
    return new Actual(rows, repeated, keys.size());
  }

  /** The window table holds exactly {@code expected}: one row per window and group. */
  static void assertWindowTable(
      WindowPipeline spec, Map<WindowKey, Map<String, Object>> expected, String context) {
    assertWindowTable(spec, expected, Long.MAX_VALUE, Long.MAX_VALUE, context);
  }

  /**
   * Rows of the window table read elsewhere ({@code source}, for example through Trino) are exactly
   * {@code expected}: one row per window and group.
   */
  static void assertWindowRows(
      WindowPipeline spec,
      Actual actual,
      String source,
      Map<WindowKey, Map<String, Object>> expected,
      String context) {
    compare(spec, actual, source, expected, Long.MAX_VALUE, Long.MAX_VALUE, context);
  }

  /**
   * While a pipeline runs: windows ending at or before {@code firedByMillis} hold exactly {@code
   * expected}'s rows, no window ending after {@code unfiredAfterMillis} has a row, and no key has
   * two rows. Windows in between may or may not have fired yet.
   */
  static void assertWindowTable(
      WindowPipeline spec,
      Map<WindowKey, Map<String, Object>> expected,
      long firedByMillis,
      long unfiredAfterMillis,
      String context) {
    compare(
        spec,
        read(spec),
        "Window table " + spec.table(),
        expected,
        firedByMillis,
        unfiredAfterMillis,
        context);
  }

  private static void compare(
      WindowPipeline spec,
      Actual actual,
      String source,
      Map<WindowKey, Map<String, Object>> expected,
      long firedByMillis,
      long unfiredAfterMillis,
      String context) {
    long firedBy = firedByMillis == Long.MAX_VALUE ? Long.MAX_VALUE : firedByMillis * 1000;
    long unfiredAfter =
        unfiredAfterMillis == Long.MAX_VALUE ? Long.MAX_VALUE : unfiredAfterMillis * 1000;
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> different = new ArrayList<>();
    List<String> early = new ArrayList<>();
    expected.forEach(
        (key, row) -> {
          if (key.endMicros() > firedBy) {
            return;
          }
          Map<String, Object> found = actual.rows().get(key);
          if (found == null) {
            missing.add(key + " " + row);
          } else {
            String d = differences(spec, row, found);
            if (!d.isEmpty()) {
              different.add(key + ": " + d);
            }
          }
        });
    actual
        .rows()
        .forEach(
            (key, row) -> {
              if (key.endMicros() > unfiredAfter) {
                early.add(key + " " + row);
              } else if (key.endMicros() <= firedBy && !expected.containsKey(key)) {
                extra.add(key + " " + row);
              }
            });
    StringBuilder b = new StringBuilder();
    section(b, "missing", missing);
    section(b, "extra (no such window and group in the reference)", extra);
    section(b, "different (expected vs table)", different);
    section(
        b,
        "with more than one row",
        actual.repeated().stream().map(WindowKey::toString).distinct().toList());
    section(b, "present although the watermark cannot have reached their end", early);
    assertThat(b.toString())
        .withFailMessage(
            "%s differs from the reference (%s): %d rows expected%s, %d in the table%n%s",
            source,
            context,
            expected.size(),
            firedBy == Long.MAX_VALUE ? "" : " in all, of windows that must have fired",
            actual.size(),
            b)
        .isEmpty();
  }

  private static void section(StringBuilder b, String what, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    b.append("  ").append(items.size()).append(' ').append(what).append(", e.g.:\n");
    for (String item : items.subList(0, Math.min(EXAMPLES, items.size()))) {
      b.append("    ").append(item).append('\n');
    }
  }

  private static String differences(
      WindowPipeline spec, Map<String, Object> expected, Map<String, Object> actual) {
    List<String> out = new ArrayList<>();
    for (Aggregate a : spec.aggregates()) {
      Object e = expected.get(a.name());
      Object t = actual.get(a.name());
      if (!matches(a, e, t)) {
        out.add(a.name() + " " + e + " vs " + t);
      }
    }
    return String.join("; ", out);
  }

  /**
   * Exact for counts, sums, minimums, maximums, firsts and lasts; {@code avg} within a relative
   * 1e-9; {@code approx_count_distinct} within 3 % of the exact count (or 1, for small counts).
   */
  private static boolean matches(Aggregate a, Object expected, Object actual) {
    if (expected == null || actual == null) {
      return expected == null && actual == null;
    }
    switch (a.function()) {
      case "avg":
        double e = ((Number) expected).doubleValue();
        return actual instanceof Number n
            && Math.abs(n.doubleValue() - e) <= AVG_TOLERANCE * Math.abs(e);
      case "approx_count_distinct":
        long exact = ((Number) expected).longValue();
        return actual instanceof Number n
            && Math.abs(n.doubleValue() - exact) <= Math.max(1, APPROX_TOLERANCE * exact);
      default:
        if (expected instanceof BigDecimal d) {
          return actual instanceof BigDecimal t && d.compareTo(t) == 0;
        }
        if (expected instanceof Long l) {
          return (actual instanceof Long || actual instanceof Integer)
              && ((Number) actual).longValue() == l;
        }
        return Objects.equals(expected, actual);
    }
  }

  /**
   * The window table's columns are {@code window_start}, {@code window_end}, the group-by column,
   * then the aggregates in the order written, with the types the aggregates imply; its key is the
   * window and the group.
   */
  static void assertSchema(WindowPipeline spec) {
    Schema schema = LakeTables.load(spec.tables(), spec.table()).schema();
    List<String> names = new ArrayList<>(List.of("window_start", "window_end"));
    names.add(WindowPipeline.GROUP_BY);
    spec.aggregates().forEach(a -> names.add(a.name()));
    assertThat(schema.columns().stream().map(Types.NestedField::name).toList())
        .as("columns of %s", spec.table())
        .containsExactlyElementsOf(names);
    assertThat(schema.findType("window_start").typeId()).isEqualTo(Type.TypeID.TIMESTAMP);
    assertThat(schema.findType("window_end").typeId()).isEqualTo(Type.TypeID.TIMESTAMP);
    assertThat(schema.findType(WindowPipeline.GROUP_BY)).isEqualTo(Types.StringType.get());
    for (Aggregate a : spec.aggregates()) {
      Type type = schema.findType(a.name());
      Type expected = resultType(a);
      if (expected == null) {
        assertThat(type.typeId())
            .as("type of %s", a.expression())
            .isIn(Type.TypeID.INTEGER, Type.TypeID.LONG);
      } else {
        assertThat(type).as("type of %s", a.expression()).isEqualTo(expected);
      }
    }
    assertThat(schema.identifierFieldNames())
        .as("key of %s", spec.table())
        .containsExactlyInAnyOrder("window_start", "window_end", WindowPipeline.GROUP_BY);
  }

  /** The column type an aggregate produces, or null where any integer type will do. */
  private static Type resultType(Aggregate a) {
    Type input =
        switch (a.column()) {
          case "*", "event_id", "user_id" -> Types.LongType.get();
          case "amount" -> Types.DecimalType.of(10, 2);
          case "category" -> Types.StringType.get();
          default -> throw new IllegalArgumentException("No column " + a.column());
        };
    return switch (a.function()) {
      case "count" -> Types.LongType.get();
      case "sum" -> input instanceof Types.DecimalType ? Types.DecimalType.of(38, 2) : input;
      case "avg" -> Types.DoubleType.get();
      case "min", "max", "first", "last" -> input;
      default -> null;
    };
  }

  /**
   * The late-records table holds exactly the {@code expected} records, each once, identified by
   * {@code source_partition} and {@code source_offset}, with all their columns, the source topic, a
   * reason, and a watermark that had reached the end of their windows plus the allowed lateness. A
   * table that does not exist counts as empty.
   */
  static void assertLateRecords(WindowPipeline spec, List<SentEvent> expected, String context) {
    List<Record> rows = rowsOrEmpty(spec.tables(), spec.lateTable());
    Map<String, SentEvent> byCoordinates =
        expected.stream().collect(Collectors.toMap(SentEvent::coordinates, Function.identity()));
    Map<String, Integer> seen = new HashMap<>();
    List<String> extra = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Record r : rows) {
      String coordinates = r.getField("source_partition") + "@" + r.getField("source_offset");
      seen.merge(coordinates, 1, Integer::sum);
      SentEvent s = byCoordinates.get(coordinates);
      if (s == null) {
        extra.add(coordinates + " " + r);
        continue;
      }
      String d = lateRowDifferences(spec, s, r);
      if (!d.isEmpty()) {
        wrong.add(coordinates + ": " + d);
      }
    }
    List<String> missing =
        expected.stream()
            .filter(s -> !seen.containsKey(s.coordinates()))
            .map(s -> s.coordinates() + " " + s.event())
            .toList();
    List<String> repeated =
        seen.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(e -> e.getKey() + " " + e.getValue() + " times")
            .sorted()
            .toList();
    StringBuilder b = new StringBuilder();
    section(b, "missing", missing);
    section(b, "extra", extra);
    section(b, "repeated", repeated);
    section(b, "with wrong columns", wrong);
    assertThat(b.toString())
        .withFailMessage(
            "Late-records table %s differs from the reference (%s): %d records expected, %d rows"
                + " in the table%n%s",
            spec.lateTable(), context, expected.size(), rows.size(), b)
        .isEmpty();
  }

  private static String lateRowDifferences(WindowPipeline spec, SentEvent s, Record r) {
    List<String> out = new ArrayList<>();
    OrderEvent e = s.event();
    if (!spec.topic().equals(r.getField("source_topic"))) {
      out.add("source_topic " + r.getField("source_topic"));
    }
    if (!(r.getField("late_reason") instanceof String reason) || reason.isBlank()) {
      out.add("late_reason " + r.getField("late_reason"));
    }
    for (String column : List.of("event_id", "user_id", "category", "amount")) {
      Object expected = e.column(column);
      Object actual = r.getField(column);
      boolean same =
          expected instanceof BigDecimal d
              ? actual instanceof BigDecimal a && d.compareTo(a) == 0
              : Objects.equals(expected, actual);
      if (!same) {
        out.add(column + " " + expected + " vs " + actual);
      }
    }
    Object eventTime = r.getField("event_time");
    if (!isTimestamp(eventTime) || micros(eventTime) != e.eventTime() * 1000) {
      out.add("event_time " + e.eventTime() + " ms vs " + r.getField("event_time"));
    }
    long reached = spec.window().latestEnd(e.eventTime()) + spec.allowedLatenessMillis();
    Object watermark = r.getField("late_watermark");
    if (!isTimestamp(watermark)) {
      out.add("late_watermark is not a timestamp: " + watermark);
    } else if (micros(watermark) < reached * 1000) {
      out.add(
          "late_watermark "
              + watermark
              + " is before window_end + allowed-lateness "
              + Instant.ofEpochMilli(reached));
    }
    return String.join("; ", out);
  }

  /** No table of the pipeline records one checkpoint in two snapshots. */
  static void assertNoCheckpointCommittedTwice(WindowPipeline spec) {
    for (String name : List.of(spec.table(), spec.lateTable())) {
      Table table;
      try {
        table = LakeTables.load(spec.tables(), name);
      } catch (NoSuchTableException e) {
        continue;
      }
      List<String> ids = new ArrayList<>();
      for (Snapshot s : table.snapshots()) {
        String id = s.summary().get("lakestream.checkpoint-id");
        if (id != null) {
          ids.add(id);
        }
      }
      assertThat(ids).as("checkpoints committed to %s", name).doesNotHaveDuplicates();
    }
  }

  /** The rows of a table, or none if it does not exist. */
  static List<Record> rowsOrEmpty(TestPipeline tables, String table) {
    try {
      return LakeTables.rows(tables, table);
    } catch (NoSuchTableException e) {
      return List.of();
    }
  }

  private static boolean isTimestamp(Object value) {
    return value instanceof OffsetDateTime
        || value instanceof LocalDateTime
        || value instanceof Instant;
  }

  /** Microseconds since the epoch of a timestamp or timestamptz value. */
  static long micros(Object value) {
    Instant instant;
    if (value instanceof OffsetDateTime o) {
      instant = o.toInstant();
    } else if (value instanceof LocalDateTime l) {
      instant = l.toInstant(ZoneOffset.UTC);
    } else if (value instanceof Instant i) {
      instant = i;
    } else {
      throw new AssertionError("Not a timestamp: " + value);
    }
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
