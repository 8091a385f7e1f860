package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.SupportsSchemaChange;
import io.lakestream.core.source.SourceRecord;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a source task's rows and deletes straight to the output table. */
final class TableTarget implements RecordProcessor.RowTarget {
  private static final Logger LOG = LoggerFactory.getLogger(TableTarget.class);

  private final TableOutput output;
  private final PipelineMetrics metrics;

  TableTarget(TableOutput output, PipelineMetrics metrics) {
    this.output = output;
    this.metrics = metrics;
  }

  @Override
  public void accept(Row row, SourceRecord record, int split) {
    count(output.write(row, split, record.offset()), metrics.out);
  }

  @Override
  public void delete(Row keyRow, SourceRecord record, int split) {
    count(output.delete(keyRow, split, record.offset()), metrics.deleted);
  }

  private void count(boolean written, LongAdder counter) {
    (written ? counter : metrics.alreadyCommitted).increment();
  }

  @Override
  public void evolve(Schema schema) {
    if (!(output.writer instanceof SupportsSchemaChange writer)) {
      throw new PipelineException(
          "The change events' schema changed, and the sink of " + output.table + " cannot follow");
    }
    LOG.info(
        "The rows of {} gained columns: {}",
        output.table,
        schema.fields().stream().map(f -> f.name() + " " + f.type()).toList());
    writer.evolve(schema);
  }
}
