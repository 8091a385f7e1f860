package io.lakestream.core.runtime;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.sink.SupportsBranches;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables a run writes, opened through the spec's sink: created when absent, committed by the
 * checkpoint coordinator, closed together in reverse order of opening.
 */
final class OutputTables implements AutoCloseable {
  private final Map<String, Sink> opened;
  private CheckpointTransactions transactions;

  private OutputTables(Map<String, Sink> opened) {
    this.opened = opened;
  }

  /** The tables of a pipeline of rows: its output, late-records and dead-letter tables. */
  static OutputTables of(PipelineSpec spec, Plan plan, String branch) {
    List<SinkContext> tables = new ArrayList<>();
    for (TablePlan table : TablePlans.of(spec, plan)) {
      tables.add(table.context());
    }
    return open(spec, tables, branch);
  }

  /**
   * One lake table per source table of a change source, and the dead-letter table under policy
   * dead-letter; source tables merged into one lake table must agree on columns and key.
   */
  static OutputTables of(PipelineSpec spec, ChangeSource source, String branch) {
    Map<String, String> lakeTables = lakeTables(spec, source);
    Map<String, SourceTable> first = new LinkedHashMap<>();
    for (SourceTable t : source.tables()) {
      SourceTable other = first.putIfAbsent(lakeTables.get(t.name()), t);
      if (other != null && (!other.schema().equals(t.schema()) || !other.key().equals(t.key()))) {
        throw new PipelineException(
            "Tables "
                + other.name()
                + " and "
                + t.name()
                + " are merged into "
                + lakeTables.get(t.name())
                + " but differ in their columns or primary key");
      }
    }
    List<SinkContext> tables = new ArrayList<>();
    first.forEach(
        (table, t) ->
            tables.add(
                new SinkContext(
                    spec.writerId(),
                    spec.sink().config(),
                    table,
                    t.schema(),
                    SinkContext.Role.OUTPUT,
                    t.key())));
    if (spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER) {
      // for the changes the lake tables refuse (ChangeApplier)
      tables.add(
          new SinkContext(
              spec.writerId(),
              spec.sink().config(),
              spec.errors().deadLetterTable(),
              DeadLetter.SCHEMA,
              SinkContext.Role.DEAD_LETTER));
    }
    return open(spec, tables, branch);
  }

  /**
   * The lake table of each source table: {@code sink.<type>.table} for a single source table; with
   * several, {@code namespace.*} there and {@code namespace.<name>} for each, where the name is the
   * source table's own or its route.
   */
  static Map<String, String> lakeTables(PipelineSpec spec, ChangeSource source) {
    String table = spec.sink().table();
    List<SourceTable> tables = source.tables();
    Map<String, String> result = new LinkedHashMap<>();
    if (!table.endsWith(".*")) {
      if (tables.size() != 1) {
        throw new PipelineException(
            "The pipeline reads "
                + tables.size()
                + " tables, so sink."
                + spec.sink().type()
                + ".table must be a namespace followed by .* (e.g. lake.*), not "
                + table);
      }
      result.put(tables.get(0).name(), table);
      return result;
    }
    String namespace = table.substring(0, table.length() - 2);
    Map<String, String> routes = spec.source().routes();
    for (SourceTable t : tables) {
      String own = t.name().substring(t.name().lastIndexOf('.') + 1);
      result.put(t.name(), namespace + "." + routes.getOrDefault(t.name(), own));
    }
    return result;
  }

  /** Opens {@code tables}, committing to {@code branch} when it is not null. */
  private static OutputTables open(PipelineSpec spec, List<SinkContext> tables, String branch) {
    SinkFactory factory =
        SinkFactories.find(spec.sink().type())
            .orElseThrow(() -> new PipelineException("No sink of type " + spec.sink().type()));
    if (branch != null && !(factory instanceof SupportsBranches)) {
      throw new PipelineException(
          "sink." + spec.sink().type() + " cannot commit to a branch (asked for " + branch + ")");
    }
    OutputTables result = new OutputTables(new LinkedHashMap<>());
    try {
      for (SinkContext table : tables) {
        result.opened.put(table.table(), factory.open(table.withBranch(branch)));
      }
      result.transactions = new CheckpointTransactions(result.committers());
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  /** The committers of every table, by table name. */
  Map<String, SinkCommitter> committers() {
    Map<String, SinkCommitter> result = new LinkedHashMap<>();
    opened.forEach((name, sink) -> result.put(name, sink.committer()));
    return result;
  }

  /** The open transactions of the tables whose committers begin them. */
  CheckpointTransactions transactions() {
    return transactions;
  }

  /** A new writer of task {@code taskId} into {@code table}, skipping what {@code floors} hold. */
  TableOutput output(String table, int taskId, Map<String, Long> floors) {
    return new TableOutput(table, opened.get(table).createWriter(taskId), transactions, floors);
  }

  /** Closes every table's committer, then the table, the last opened first. */
  @Override
  public void close() {
    List<AutoCloseable> resources = new ArrayList<>();
    opened
        .values()
        .forEach(
            sink -> {
              resources.add(sink);
              resources.add(sink.committer());
            });
    Resources.closeInReverse(resources);
  }
}
