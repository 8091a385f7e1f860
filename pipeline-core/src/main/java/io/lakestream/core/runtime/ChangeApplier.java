package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Change;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import io.lakestream.core.source.TableChange;
import java.util.List;
import java.util.Map;

/**
 * Applies the changes a change source reads to the lake tables of their source tables (one writer
 * per lake table; merged shards share theirs), counting what it applies.
 */
final class ChangeApplier implements SourceInput<TableChange> {
  private final Map<String, TableOutput> outputs;
  private final List<TableOutput> distinct;
  private final PipelineMetrics metrics;

  /**
   * @param outputs the output of each source table, by source table name
   */
  ChangeApplier(Map<String, TableOutput> outputs, PipelineMetrics metrics) {
    this.outputs = Map.copyOf(outputs);
    this.distinct = outputs.values().stream().distinct().toList();
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
    if (c.kind() == Change.Kind.DELETE) {
      ((SupportsDelete) output.writer).delete(c.row());
      metrics.deleted.increment();
    } else {
      output.writer.write(c.row());
      metrics.out.increment();
    }
    return null;
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
  }

  @Override
  public List<TableOutput> outputs() {
    return distinct;
  }

  @Override
  public void close() {
    distinct.forEach(TableOutput::close);
  }
}
