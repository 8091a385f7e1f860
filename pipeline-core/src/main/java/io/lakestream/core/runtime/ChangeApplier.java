package io.lakestream.core.runtime;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.Field;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.source.TableChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the changes a change source reads to the lake tables of their source tables (one writer
 * per lake table; merged shards share theirs), counting what it applies.
 *
 * <p>A change whose row the table refuses ({@link RecordException}, e.g. a Hudi table's null
 * ordering field) goes to the error policy named by its coordinates in the source (slot, table,
 * LSN) and its key, with the row as the payload: dead-lettered or skipped, or under {@code fail}
 * the task stops before it, so nothing at or after it is committed.
 */
final class ChangeApplier implements SourceInput<TableChange> {
  private final ChangeSource source;
  private final Map<String, TableOutput> outputs;
  private final Map<String, SourceTable> tables = new HashMap<>();
  private final List<TableOutput> distinct;
  private final TableOutput deadLetter;
  private final BadRecords badRecords;
  private final PipelineMetrics metrics;

  /**
   * @param outputs the output of each source table, by source table name
   * @param deadLetter the dead-letter table's output (policy dead-letter), or null
   */
  ChangeApplier(
      ChangeSource source,
      Map<String, TableOutput> outputs,
      TableOutput deadLetter,
      BadRecords badRecords,
      PipelineMetrics metrics) {
    this.source = source;
    this.outputs = Map.copyOf(outputs);
    source.tables().forEach(t -> tables.put(t.name(), t));
    this.distinct = outputs.values().stream().distinct().toList();
    this.deadLetter = deadLetter;
    this.badRecords = badRecords;
    this.metrics = metrics;
    for (TableOutput o : distinct) {
      if (!(o.writer instanceof SupportsDelete)) {
        throw new PipelineException(
            "The sink of table " + o.table + " cannot delete rows, which a change stream needs");
      }
    }
  }

  @Override
  public RecordFailure process(TableChange change, int split) {
    TableOutput output = outputs.get(change.table());
    if (output == null) {
      throw new PipelineException(
          "A change of table " + change.table() + ", which the pipeline does not read");
    }
    if (change instanceof TableChange.Evolve e) {
      evolve(output, e);
      return null;
    }
    Change c = ((TableChange.Apply) change).change();
    metrics.in.increment();
    try {
      if (c.kind() == Change.Kind.DELETE) {
        ((SupportsDelete) output.writer).delete(c.row());
        metrics.deleted.increment();
      } else {
        output.writer.write(c.row());
        metrics.out.increment();
      }
      return null;
    } catch (RecordException e) {
      return refused(change.table(), c, split, e.getMessage());
    }
  }

  private RecordFailure refused(String table, Change c, int split, String error) {
    SourceTable t = tables.get(table);
    List<String> columns = t.schema().fields().stream().map(Field::name).toList();
    String origin =
        source.coordinates(table, c.position())
            + ", key "
            + DeadLetter.text(t.schema(), c.row(), t.key());
    return badRecords.handleRefused(
        origin,
        c.position() < 0 ? null : c.position(),
        DeadLetter.text(t.schema(), c.row(), columns),
        split,
        c.kind() == Change.Kind.DELETE ? "sink delete" : "sink",
        error);
  }

  private void evolve(TableOutput output, TableChange.Evolve change) {
    if (!(output.writer instanceof SupportsSchemaChange writer)) {
      throw new PipelineException(
          "The schema of "
              + change.table()
              + " changed, and the sink of "
              + output.table
              + " cannot follow");
    }
    if (outputs.values().stream().filter(o -> o == output).count() > 1) {
      throw new PipelineException(
          "The schema of "
              + change.table()
              + " changed, but "
              + output.table
              + " merges several source tables: change them all and restart the pipeline");
    }
    writer.evolve(change.schema());
    SourceTable before = tables.get(change.table());
    tables.put(change.table(), new SourceTable(before.name(), change.schema(), before.key()));
  }

  @Override
  public List<TableOutput> outputs() {
    if (deadLetter == null) {
      return distinct;
    }
    List<TableOutput> all = new ArrayList<>(distinct);
    all.add(deadLetter);
    return all;
  }

  @Override
  public void flushLog() {
    badRecords.flushLog();
  }

  @Override
  public void close() {
    outputs().forEach(TableOutput::close);
  }
}
