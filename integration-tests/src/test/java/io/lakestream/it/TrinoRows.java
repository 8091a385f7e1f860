package io.lakestream.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Trino query's rows as values a test compares with its reference, as it compares the values of
 * Iceberg's own reader: timestamps as microseconds since the epoch ({@link
 * WindowAssertions#micros}: one without a zone read as UTC), everything else as Trino's JDBC driver
 * gives it ({@code Long}, {@code Integer}, {@code BigDecimal}, {@code Double}, {@code String},
 * {@code Boolean}, {@code byte[]}).
 */
final class TrinoRows {
  private TrinoRows() {}

  /** The rows of {@code sql}, each by column label in the order selected. */
  static List<Map<String, Object>> query(TrinoServer trino, String sql) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = trino.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData meta = r.getMetaData();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), value(r, i, meta.getColumnTypeName(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Object value(ResultSet r, int column, String type) throws SQLException {
    if (!type.startsWith("timestamp")) {
      return r.getObject(column);
    }
    Timestamp t = r.getTimestamp(column);
    if (t == null) {
      return null;
    }
    // the driver gives a zoned value as its instant, one without a zone as its wall-clock time
    return WindowAssertions.micros(
        type.contains("with time zone") ? t.toInstant() : t.toLocalDateTime());
  }
}
