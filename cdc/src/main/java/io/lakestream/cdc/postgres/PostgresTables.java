package io.lakestream.cdc.postgres;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table's definition from the PostgreSQL catalog: its columns, their types as lakestream
 * types, and its primary key, which becomes the key of its lake table.
 */
final class PostgresTables {
  private PostgresTables() {}

  /** A table's columns as the catalog describes them, with their type OIDs for parsing values. */
  record Definition(SourceTable table, int[] typeOids) {}

  static Definition read(Connection connection, String qualifiedName) throws SQLException {
    List<String> key = primaryKey(connection, qualifiedName);
    if (key.isEmpty()) {
      throw new PipelineException(
          "Table "
              + qualifiedName
              + " has no primary key: a change stream can only be applied to a lake table by key");
    }
    List<Field> fields = new ArrayList<>();
    List<Integer> oids = new ArrayList<>();
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull FROM pg_attribute a"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum")) {
      s.setString(1, qualifiedName);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          int oid = rs.getInt(2);
          DataType type = PgTypes.dataType(oid, rs.getInt(3));
          boolean required = key.contains(name) || rs.getBoolean(4);
          fields.add(new Field(name, type, required, null));
          oids.add(oid);
        }
      }
    }
    return new Definition(
        new SourceTable(qualifiedName, new Schema(fields), key),
        oids.stream().mapToInt(Integer::intValue).toArray());
  }

  private static List<String> primaryKey(Connection connection, String qualifiedName)
      throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT a.attname FROM pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.position")) {
      s.setString(1, qualifiedName);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        throw new PipelineException("Table " + qualifiedName + " does not exist", e);
      }
      throw e;
    }
    return key;
  }
}
