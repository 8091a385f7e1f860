package io.lakestream.cdc.postgres;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.source.AcknowledgesPositions;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.SourceTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.replication.LogSequenceNumber;

/**
 * A PostgreSQL database's changes to some tables, read by logical replication with the built-in
 * {@code pgoutput} plugin through a replication slot. The slot is its one split; its position is a
 * WAL position (LSN): the end of the last transaction whose changes a checkpoint holds.
 */
final class PostgresChangeSource implements ChangeSource, AcknowledgesPositions {
  private final PostgresSourceSpec spec;
  private final List<PostgresTables.Definition> definitions = new ArrayList<>();
  private volatile PostgresSplitReader reader;

  PostgresChangeSource(PostgresSourceSpec spec) {
    this.spec = spec;
    try (Connection c = PostgresConnections.plain(spec)) {
      for (String table : spec.tables()) {
        definitions.add(PostgresTables.read(c, table));
      }
    } catch (SQLException e) {
      throw new PipelineException(
          "Cannot read the definitions of " + spec.tables() + ": " + e.getMessage(), e);
    }
  }

  private String splitId() {
    return "postgres:" + spec.slot();
  }

  @Override
  public String describe() {
    return "PostgreSQL slot " + spec.slot() + " (tables " + String.join(", ", spec.tables()) + ")";
  }

  /** {@code slot s, table public.orders, after LSN 0/16B3F60} (the last commit read before it). */
  @Override
  public String coordinates(String table, long position) {
    return "slot "
        + spec.slot()
        + ", table "
        + table
        + (position < 0
            ? ", initial snapshot"
            : ", after LSN " + LogSequenceNumber.valueOf(position).asString());
  }

  @Override
  public List<String> splits() {
    return List.of(splitId());
  }

  @Override
  public List<SourceTable> tables() {
    return definitions.stream().map(PostgresTables.Definition::table).toList();
  }

  @Override
  public PostgresSplitReader reader(String taskName, boolean bounded) {
    PostgresSplitReader r = new PostgresSplitReader(spec, definitions, bounded);
    reader = r;
    return r;
  }

  @Override
  public void acknowledge(Map<String, Long> positions) {
    Long lsn = positions.get(splitId());
    PostgresSplitReader r = reader;
    if (lsn != null && r != null) {
      r.acknowledge(lsn);
    }
  }

  @Override
  public void close() {}
}
