package io.lakestream.cdc.postgres;

import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the tables' rows as of a replication slot's exported snapshot, a batch at a time, in one
 * read-only transaction, so that the change stream then starts exactly after them.
 */
final class SnapshotCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopy.class);
  private static final int FETCH_SIZE = 10_000;

  private final Connection connection;
  private final Deque<PostgresTables.Definition> tables;
  private Statement statement;
  private ResultSet rows;
  private long copied;

  SnapshotCopy(
      PostgresSourceSpec spec, String snapshotName, Collection<PostgresTables.Definition> tables)
      throws SQLException {
    this.tables = new ArrayDeque<>(tables);
    this.connection = PostgresConnections.plain(spec);
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
    }
  }

  /**
   * Copies up to {@code max} rows into {@code out} (source table name, row).
   *
   * @return whether every row of every table is copied
   */
  boolean copy(int max, BiConsumer<String, Row> out) throws SQLException {
    for (int n = 0; n < max; ) {
      if (rows == null && !openNext()) {
        connection.commit();
        return true;
      }
      PostgresTables.Definition d = tables.peekFirst();
      if (!rows.next()) {
        LOG.info("Copied {} rows of {} from the slot's snapshot", copied, d.table().name());
        rows.close();
        statement.close();
        rows = null;
        tables.removeFirst();
        continue;
      }
      Schema schema = d.table().schema();
      Row row = new Row(schema.size());
      for (int i = 0; i < schema.size(); i++) {
        String text = rows.getString(i + 1);
        row.set(
            i, text == null ? null : PgValues.parse(text, d.typeOids()[i], schema.field(i).type()));
      }
      out.accept(d.table().name(), row);
      copied++;
      n++;
    }
    return false;
  }

  private boolean openNext() throws SQLException {
    PostgresTables.Definition d = tables.peekFirst();
    if (d == null) {
      return false;
    }
    Schema schema = d.table().schema();
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < schema.size(); i++) {
      sql.append(i == 0 ? "" : ", ")
          .append(PostgresSql.quote(schema.field(i).name()))
          .append("::text");
    }
    sql.append(" FROM ").append(PostgresSql.quoteTable(d.table().name()));
    statement = connection.createStatement();
    statement.setFetchSize(FETCH_SIZE);
    rows = statement.executeQuery(sql.toString());
    copied = 0;
    return true;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
