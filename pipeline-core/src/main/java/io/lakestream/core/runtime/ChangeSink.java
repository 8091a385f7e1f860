package io.lakestream.core.runtime;

import io.lakestream.core.record.Change;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import java.util.List;
import java.util.Map;

/**
 * Where a change source's task puts changes: the writers of the lake tables, one per source table,
 * and the pipeline's counters. Used by that task's thread only.
 */
public interface ChangeSink {

  /** Applies {@code change} to the lake table of source table {@code table}. */
  void apply(String table, Change change);

  /**
   * The rows of source table {@code table} have a new shape from now on (a new column, a wider
   * type): its lake table follows in the same commit as the next rows.
   *
   * @throws io.lakestream.core.error.PipelineException if the lake table cannot follow
   */
  void evolve(String table, Schema schema);

  /** Prepares every table's committables for checkpoint {@code checkpointId}. */
  Map<String, List<Committable>> prepareCommit(long checkpointId);

  /** Closes the writers, uncommitted files stay where they are. */
  void close();
}
