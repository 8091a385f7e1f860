package io.lakestream.core.source;

import java.util.List;

/**
 * A source of changes to keyed tables read straight from a database (PostgreSQL logical
 * replication): its readers produce {@link TableChange}s, and it describes the tables itself.
 */
public non-sealed interface ChangeSource extends Source<TableChange> {

  /** The tables read, with their columns and keys; known before any table is opened. */
  List<SourceTable> tables();
}
