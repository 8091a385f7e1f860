package io.lakestream.core.runtime;

import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.spec.WriterId;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables a Kafka pipeline opens, computed from its spec alone: the output table with the rows
 * its steps leave, a late-records table per window, and the dead-letter table. The run opens
 * exactly these, and validation checks exactly these, so the two cannot disagree.
 */
final class TablePlans {
  private TablePlans() {}

  /** The tables of {@code spec}, whose source is Kafka, with the rows {@code plan} writes. */
  static List<TablePlan> of(PipelineSpec spec, Plan plan) {
    String section = "sink." + spec.sink().type();
    String sinkTablePath = section + ".table";
    WriterId id = spec.writerId();
    var config = spec.sink().config();
    List<TablePlan> tables = new ArrayList<>();
    tables.add(
        new TablePlan(
            new SinkContext(
                id,
                config,
                spec.sink().table(),
                plan.output,
                SinkContext.Role.OUTPUT,
                plan.outputKey()),
            section,
            sinkTablePath,
            upsertReason(spec, plan)));
    for (Plan.Stage stage : plan.stages) {
      if (stage.step() instanceof TransformSpec.Window w) {
        int index = spec.transforms().indexOf(w);
        boolean named = !w.lateTable().equals(spec.sink().table() + "_late");
        tables.add(
            new TablePlan(
                new SinkContext(
                    id,
                    config,
                    w.lateTable(),
                    LateRecords.schema(stage.input()),
                    SinkContext.Role.LATE_RECORDS),
                section,
                named ? "transforms[" + index + "].window.late-records.table" : sinkTablePath,
                null));
      }
    }
    if (spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER) {
      String table = spec.errors().deadLetterTable();
      boolean named = !table.equals(spec.sink().table() + "_dead_letter");
      tables.add(
          new TablePlan(
              new SinkContext(id, config, table, DeadLetter.SCHEMA, SinkContext.Role.DEAD_LETTER),
              section,
              named ? "errors.dead-letter-table" : sinkTablePath,
              null));
    }
    return List.copyOf(tables);
  }

  /**
   * Why the output rows replace earlier rows by key although nothing but the sink section could say
   * so: a change format, or a keep-last dedupe as the last keyed step; null otherwise.
   */
  static String upsertReason(PipelineSpec spec, Plan plan) {
    RecordFormat format = spec.kafka().format();
    if (format.changes()) {
      return "source.kafka.format " + format.name() + " carries inserts, updates and deletes";
    }
    if (!plan.stages.isEmpty()
        && plan.stages.get(plan.stages.size() - 1).step() instanceof TransformSpec.Dedupe d
        && d.keep() == TransformSpec.Dedupe.Keep.LAST) {
      return "transforms["
          + spec.transforms().indexOf(d)
          + "].dedupe keeps the last version of each key";
    }
    return null;
  }
}
