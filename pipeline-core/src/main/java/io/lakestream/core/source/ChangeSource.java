package io.lakestream.core.source;

import java.util.List;

/**
 * A source of changes to keyed tables read straight from a database (PostgreSQL logical
 * replication): its readers produce {@link TableChange}s, and it describes the tables itself.
 */
public non-sealed interface ChangeSource extends Source<TableChange> {

  /** The tables read, with their columns and keys; known before any table is opened. */
  List<SourceTable> tables();

  /**
   * Where a change of {@code table} at {@code position} ({@link
   * io.lakestream.core.record.Change#position}) stands, in the source's own terms, for log lines
   * and dead-letter rows: e.g. {@code slot s, table public.orders, LSN 0/16B3F60}.
   *
   * @param position the change's position, or -1 when it has none
   */
  default String coordinates(String table, long position) {
    return "table " + table + (position < 0 ? "" : ", position " + position);
  }
}
