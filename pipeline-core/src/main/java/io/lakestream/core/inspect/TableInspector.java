package io.lakestream.core.inspect;

import java.util.List;

/**
 * Reads what the tables of one catalog hold, for commands that list, describe and scan tables of
 * any format. Owns a connection to the catalog; close it. Opened by a {@link
 * TableInspectorFactory}, usually through {@link TableInspectors#open}.
 */
public interface TableInspector extends AutoCloseable {

  /**
   * Every table of the catalog, sorted, named as a spec's sink names them ({@code namespace.name}).
   *
   * @throws io.lakestream.core.error.PipelineException if the catalog cannot be read
   */
  List<String> list();

  /**
   * Describes one table: its columns, key, layout and properties, its current totals and its newest
   * commits with the checkpoint each one holds.
   *
   * @param table the table, {@code namespace.name}
   * @param commitLimit how many of the newest commits to include, 0 or more
   * @throws io.lakestream.core.error.PipelineException if the table does not exist or cannot be
   *     read
   */
  TableDescription describe(String table, int commitLimit);

  /**
   * Reads every row of the table's current version as a query engine would, deletes applied, and
   * counts what it read.
   *
   * @param table the table, {@code namespace.name}
   * @throws io.lakestream.core.error.PipelineException if the table cannot be read
   */
  ScanStats scan(String table);

  /**
   * Closes the catalog connection.
   *
   * @throws io.lakestream.core.error.PipelineException if the connection cannot be closed
   */
  @Override
  void close();
}
