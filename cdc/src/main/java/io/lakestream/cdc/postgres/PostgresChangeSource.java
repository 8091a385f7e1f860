package io.lakestream.cdc.postgres;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.runtime.ChangeSink;
import io.lakestream.core.runtime.Task;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.SourceTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL database's changes to some tables, read by logical replication with the built-in
 * {@code pgoutput} plugin through a replication slot. Its position is a WAL position (LSN): the end
 * of the last transaction whose changes a checkpoint holds.
 */
final class PostgresChangeSource implements ChangeSource {
  private final PostgresSourceSpec spec;
  private final List<PostgresTables.Definition> definitions = new ArrayList<>();
  private volatile PostgresChangeTask task;

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

  @Override
  public String splitId() {
    return "postgres:" + spec.slot();
  }

  @Override
  public List<SourceTable> tables() {
    return definitions.stream().map(PostgresTables.Definition::table).toList();
  }

  @Override
  public Task task(Long position, ChangeSink sink, boolean stopAtEnd) {
    task = new PostgresChangeTask(spec, splitId(), definitions, position, sink, stopAtEnd);
    return task;
  }

  @Override
  public void acknowledge(long position) {
    PostgresChangeTask t = task;
    if (t != null) {
      t.acknowledge(position);
    }
  }

  @Override
  public void close() {}
}
