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
   * The name of {@code table}'s lake table inside the sink's namespace, when the sink names a
   * namespace ({@code lake.*}): the source table's own name unless the spec routes it elsewhere.
   */
  default String lakeName(SourceTable table) {
    return table.name().substring(table.name().lastIndexOf('.') + 1);
  }
}
