package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.sink.RowRange;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.TransformSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a backfill of the range {@code [from, to)} recomputes and replaces, from the pipeline's spec
 * alone: the rows it replaces in the output table, and the Kafka records it reads to recompute
 * them.
 *
 * <p>A window table's range is every window overlapping {@code [from, to)}, recomputed whole: the
 * read starts before the first of them (by the watermark's out-of-orderness, the {@code skew}
 * between event times and Kafka timestamps, and a dedupe step's TTL, so its state is warm) and runs
 * past the last one's end until it closes (its allowed lateness, too). An append table's range is
 * its event-time column in {@code [from, to)}, read with the same margins. Rows the run computes
 * outside the range (partial windows at its edges, the warm-up's records) stay on the branch.
 *
 * @param readFrom the Kafka timestamp the read starts at
 * @param readTo the Kafka timestamp the read stops before
 * @param replaced the output rows the backfill replaces
 * @param settled the event time the live pipeline's watermark must have passed before the range is
 *     final: the last window's end plus its allowed lateness, or the range's end
 * @param output the output table, as the pipeline opens it
 * @param key the output rows' key (a window's bounds and groups), empty for an append table
 * @param tables every table the pipeline writes (output, late records, dead letters)
 */
public record BackfillPlan(
    Instant readFrom,
    Instant readTo,
    RowRange replaced,
    Instant settled,
    SinkContext output,
    List<String> key,
    List<SinkContext> tables) {

  /** How far event times may be from Kafka timestamps unless the command says otherwise. */
  public static final Duration DEFAULT_SKEW = Duration.ofMinutes(1);

  /**
   * Plans a range backfill of {@code spec}.
   *
   * @throws PipelineException with the reason when the spec's output cannot be replaced by range:
   *     not a Kafka source, session windows, an upsert table, or no event-time column
   */
  public static BackfillPlan of(PipelineSpec spec, Instant from, Instant to, Duration skew) {
    if (!from.isBefore(to)) {
      throw new PipelineException("--from " + from + " must be before --to " + to);
    }
    if (!(spec.source() instanceof KafkaSourceSpec kafka)) {
      throw new PipelineException(
          "A range backfill replays a Kafka log; pipeline "
              + spec.pipeline()
              + " reads "
              + spec.source().summary());
    }
    Plan plan = Plan.of(spec.transforms(), spec.schema().schema());
    List<TablePlan> tables = TablePlans.of(spec, plan);
    SinkContext output = tables.get(0).context();
    Duration outOfOrder =
        spec.eventTime() == null ? Duration.ZERO : spec.eventTime().maxOutOfOrderness();
    Duration warmUp = outOfOrder.plus(skew).plus(dedupeTtl(plan));
    TransformSpec.Window window = plan.window();
    List<SinkContext> contexts = tables.stream().map(TablePlan::context).toList();
    if (window != null) {
      if (window.type() == TransformSpec.Window.Type.SESSION) {
        throw new PipelineException(
            "A range backfill recomputes whole windows, and session windows have no fixed edges;"
                + " reprocess from the start of the log into a new table or branch instead");
      }
      long size = WatermarkTracker.micros(window.size());
      long slide = window.slide() == null ? size : WatermarkTracker.micros(window.slide());
      long first = Math.floorDiv(micros(from) - size, slide) * slide + slide;
      long last = Math.floorDiv(micros(to) - 1, slide) * slide;
      Instant lastEnd = instant(last + size);
      return new BackfillPlan(
          instant(first).minus(warmUp),
          lastEnd.plus(outOfOrder).plus(window.allowedLateness()).plus(skew),
          new RowRange(TransformSpec.Window.START_COLUMN, instant(first), instant(last + slide)),
          lastEnd.plus(window.allowedLateness()),
          output,
          plan.outputKey(),
          contexts);
    }
    String upsert = TablePlans.upsertReason(spec, plan);
    if (upsert != null || kafka.format().changes() || !output.key().isEmpty()) {
      throw new PipelineException(
          "Table "
              + output.table()
              + " is an upsert table"
              + (upsert == null ? "" : " (" + upsert + ")")
              + ": replacing a range would re-apply its deletes over newer rows. Reprocess from the"
              + " start of the log into a new table or branch instead");
    }
    String column = spec.eventTime() == null ? null : spec.eventTime().field();
    Field field =
        column == null || output.schema().position(column).isEmpty()
            ? null
            : output.schema().field(output.schema().position(column).getAsInt());
    if (field == null || field.type() != DataType.Primitive.TIMESTAMP) {
      throw new PipelineException(
          "A range backfill replaces an append table's rows by their event time, so the pipeline"
              + " needs event-time.field naming a timestamp column of table "
              + output.table()
              + (column == null
                  ? ""
                  : " (" + column + " is " + (field == null ? "not in it" : field.type()) + ")"));
    }
    return new BackfillPlan(
        from.minus(warmUp),
        to.plus(outOfOrder).plus(skew),
        new RowRange(column, from, to),
        to,
        output,
        List.of(),
        contexts);
  }

  private static Duration dedupeTtl(Plan plan) {
    Duration ttl = Duration.ZERO;
    for (Plan.Stage s : plan.stages) {
      if (s.step() instanceof TransformSpec.Dedupe d && d.ttl().compareTo(ttl) > 0) {
        ttl = d.ttl();
      }
    }
    return ttl;
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
  }
}
