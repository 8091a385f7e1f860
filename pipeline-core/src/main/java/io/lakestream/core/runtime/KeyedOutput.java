package io.lakestream.core.runtime;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.transform.RowTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a keyed task's output goes: through the steps after its operator, then either to the next
 * keyed step's exchange or to the output table; records too late go to the late-records table and
 * bad records to the error policy.
 */
final class KeyedOutput implements Emitter, AutoCloseable {
  private final RowTransform[] transforms;
  private final Exchange.Sender next;
  private final KeyColumns nextKey;
  private final TableOutput table;
  private final Schema tableSchema;
  private final TableOutput late;
  private final TableOutput deadLetter;
  private final BadRecords badRecords;
  private final PipelineMetrics metrics;

  /**
   * @param transforms the stateless steps between this keyed step and the next (or the table)
   * @param next the next keyed step's exchange, or null when this task writes the table
   * @param nextKey the next keyed step's key, when {@code next} is given
   * @param table the output table's writer, when {@code next} is null
   * @param tableSchema the output table's rows, when {@code next} is null
   * @param late the late-records table's writer (window steps), or null
   * @param deadLetter the dead-letter table's writer (policy dead-letter), or null
   */
  KeyedOutput(
      List<RowTransform> transforms,
      Exchange.Sender next,
      KeyColumns nextKey,
      TableOutput table,
      Schema tableSchema,
      TableOutput late,
      TableOutput deadLetter,
      BadRecords badRecords,
      PipelineMetrics metrics) {
    this.transforms = transforms.toArray(RowTransform[]::new);
    this.next = next;
    this.nextKey = nextKey;
    this.table = table;
    this.tableSchema = tableSchema;
    this.late = late;
    this.deadLetter = deadLetter;
    this.badRecords = badRecords;
    this.metrics = metrics;
  }

  @Override
  public void emit(Row row, Event cause) {
    for (RowTransform t : transforms) {
      row = t.apply(row);
      if (row == null) {
        metrics.filtered.increment();
        return;
      }
    }
    if (next != null) {
      next.send(new Event(row, cause.eventTime(), cause.origin()), next.owner(nextKey.hash(row)));
    } else {
      table.writer.write(row);
      metrics.out.increment();
    }
  }

  @Override
  public void emitResult(Row row) {
    table.writer.write(row);
    metrics.out.increment();
  }

  @Override
  public void retract(Row keyRow) {
    if (!(table.writer instanceof SupportsDelete deletes)) {
      throw new PipelineException(
          "The sink of table " + table.table + " cannot delete rows, which session windows need");
    }
    deletes.delete(keyRow);
  }

  @Override
  public void refused(Row row, String origin, String stage, String error) {
    String text =
        DeadLetter.text(tableSchema, row, tableSchema.fields().stream().map(Field::name).toList());
    RecordFailure failure = badRecords.handleRefused(origin, null, text, 0, stage, error);
    if (failure != null) {
      throw new PipelineException(failure.message());
    }
  }

  @Override
  public void late(Event event, String reason, long watermark) {
    late.writer.write(LateRecords.row(event, reason, watermark));
    metrics.late.increment();
  }

  /**
   * Applies the error policy to an event the keyed step could not take.
   *
   * @throws PipelineException under the {@code fail} policy, naming the record: keyed steps cannot
   *     stop at a record, so the pipeline fails and a restart resumes at the last checkpoint
   */
  @Override
  public void badRecord(Event event, String error) {
    RecordFailure failure = badRecords.handle(event.origin(), 0, "transform", error);
    if (failure != null) {
      throw new PipelineException(failure.message());
    }
  }

  void watermark(long time, boolean idle) {
    if (next != null) {
      next.broadcast(new Signal.Watermark(time, idle));
    }
  }

  void barrier(long id) {
    if (next != null) {
      next.broadcast(new Signal.Barrier(id));
    }
  }

  void endOfInput() {
    if (next != null) {
      next.broadcast(new Signal.EndOfInput());
    }
  }

  Map<String, List<Committable>> prepareCommit(long checkpointId) {
    badRecords.flushLog();
    Map<String, List<Committable>> result = new HashMap<>();
    for (TableOutput o : outputs()) {
      result.put(o.table, o.prepareCommit(checkpointId));
    }
    return result;
  }

  private List<TableOutput> outputs() {
    List<TableOutput> result = new ArrayList<>();
    for (TableOutput o : new TableOutput[] {table, late, deadLetter}) {
      if (o != null) {
        result.add(o);
      }
    }
    return result;
  }

  @Override
  public void close() {
    outputs().forEach(TableOutput::close);
  }
}
