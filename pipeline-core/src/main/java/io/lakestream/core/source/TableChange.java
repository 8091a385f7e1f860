package io.lakestream.core.source;

import io.lakestream.core.record.Change;
import io.lakestream.core.record.Schema;

/** What a {@link ChangeSource}'s reader produces: a change to a source table, or a new shape. */
public sealed interface TableChange {

  /** The source table, as {@link SourceTable#name()} names it. */
  String table();

  /** A row of {@code table} was inserted, updated or deleted. */
  record Apply(String table, Change change) implements TableChange {}

  /**
   * The rows of {@code table} have a new shape from now on (a new column, a wider type); its lake
   * table follows before the rows that have it.
   */
  record Evolve(String table, Schema schema) implements TableChange {}
}
