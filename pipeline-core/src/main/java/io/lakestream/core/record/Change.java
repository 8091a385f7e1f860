package io.lakestream.core.record;

import java.util.Objects;

/**
 * One change to a keyed table, as a change stream (Debezium, PostgreSQL logical replication)
 * describes it: the new version of a row, or the removal of the row with a key.
 *
 * @param kind what the change does
 * @param row for {@link Kind#UPSERT} the whole new row; for {@link Kind#DELETE} a row whose key
 *     columns hold the removed row's key (other columns may be null)
 * @param position where the change stands in the source's order (a PostgreSQL LSN, a binlog
 *     position as a number), or -1 when the source gives none; later changes of one key have larger
 *     positions
 */
public record Change(Kind kind, Row row, long position) {

  /** What a change does. */
  public enum Kind {
    /** Insert the row, or replace the row with its key. */
    UPSERT,
    /** Remove the row with the row's key. */
    DELETE
  }

  public Change {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(row, "row");
  }
}
