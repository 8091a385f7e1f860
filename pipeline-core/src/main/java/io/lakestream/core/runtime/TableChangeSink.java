package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link ChangeSink} over one writer per source table, counting what it applies. */
final class TableChangeSink implements ChangeSink {
  private final Map<String, TableOutput> outputs;
  private final PipelineMetrics metrics;

  TableChangeSink(Map<String, TableOutput> outputs, PipelineMetrics metrics) {
    this.outputs = Map.copyOf(outputs);
    this.metrics = metrics;
    for (TableOutput o : outputs.values()) {
      if (!(o.writer instanceof SupportsDelete)) {
        throw new PipelineException(
            "The sink of table " + o.table + " cannot delete rows, which a change stream needs");
      }
    }
  }

  @Override
  public void apply(String table, Change change) {
    TableOutput output = outputs.get(table);
    if (output == null) {
      throw new PipelineException(
          "A change of table " + table + ", which the pipeline does not read");
    }
    metrics.in.increment();
    if (change.kind() == Change.Kind.DELETE) {
      ((SupportsDelete) output.writer).delete(change.row());
      metrics.deleted.increment();
    } else {
      output.writer.write(change.row());
      metrics.out.increment();
    }
  }

  @Override
  public void evolve(String table, Schema schema) {
    TableOutput output = outputs.get(table);
    if (!(output.writer instanceof SupportsSchemaChange writer)) {
      throw new PipelineException(
          "The schema of "
              + table
              + " changed, and the sink of "
              + output.table
              + " cannot follow");
    }
    if (outputs.values().stream().filter(o -> o == output).count() > 1) {
      throw new PipelineException(
          "The schema of "
              + table
              + " changed, but "
              + output.table
              + " merges several source tables: change them all and restart the pipeline");
    }
    writer.evolve(schema);
  }

  @Override
  public Map<String, List<Committable>> prepareCommit(long checkpointId) {
    Map<String, List<Committable>> result = new HashMap<>();
    for (TableOutput o : outputs.values()) {
      if (!result.containsKey(o.table)) { // merged shards share their lake table's output
        result.put(o.table, o.writer.prepareCommit(checkpointId));
      }
    }
    return result;
  }

  @Override
  public void close() {
    outputs.values().stream().distinct().forEach(TableOutput::close);
  }
}
