package io.lakestream.core.backfill;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.runtime.BackfillPlan;
import io.lakestream.core.runtime.CheckpointStore;
import io.lakestream.core.runtime.Pipeline;
import io.lakestream.core.runtime.PipelineStatus;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.sink.BranchTable;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.sink.SupportsBranches;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * Replays part of a pipeline's Kafka log through the same pipeline, beside the live one.
 *
 * <p>A backfill is the pipeline in bounded mode under a writer of its own, committing every table
 * to a branch named after that writer: it has its own checkpoints, consumer group and fencing
 * epoch, so the live writer's are never touched, a crashed backfill resumes from its own
 * checkpoint, and a finished one run again reads nothing. The output table's branch starts without
 * rows (see {@link BranchTable#startEmpty}), so it holds only what the replay computed.
 *
 * <p>A range backfill ({@link #range}) then compares the range with the main line ({@link
 * DriftReport}) and, when asked, replaces the main line's rows of the range with the recomputed
 * ones in one commit. It refuses to publish a range the live pipeline may still change: one whose
 * last window takes corrections until after the live writer's watermark (from its newest
 * checkpoint), unless forced.
 */
public final class Backfill {
  private Backfill() {}

  /** What a range backfill does after its run. */
  public enum Publish {
    /** Leave the branch and report the drift. */
    NONE,
    /** Replace the main line's rows of the range with the branch's. */
    REPLACE
  }

  /**
   * A range backfill.
   *
   * @param from the first event time recomputed
   * @param to the first event time after the range
   * @param skew how far event times may be from Kafka timestamps
   * @param writer the backfill's writer, also the name of its branch
   * @param publish what to do with the result
   * @param force publish even if the live pipeline may still change the range
   */
  public record Range(
      Instant from, Instant to, Duration skew, String writer, Publish publish, boolean force) {}

  /**
   * What a range backfill did.
   *
   * @param plan what it read and replaced
   * @param run the replay's run; a failed run ends the backfill
   * @param drift the recomputed range against the main line before publishing; null after a failed
   *     run
   * @param published the publish, or null when not asked for or the run failed
   * @param comparing how long reading both lines of the range and comparing them took
   * @param publishing how long the publish took; zero when there was none
   */
  public record Outcome(
      BackfillPlan plan,
      RunResult run,
      DriftReport drift,
      BranchTable.Published published,
      Duration comparing,
      Duration publishing) {}

  /**
   * Plans, runs, compares and publishes a range backfill of the live pipeline {@code live}.
   *
   * @throws PipelineException if the range cannot be backfilled or published, with the reason
   */
  public static Outcome range(PipelineSpec live, Range request, RunOptions options) {
    BackfillPlan plan = BackfillPlan.of(live, request.from(), request.to(), request.skew());
    SupportsBranches factory = branchingSink(live);
    if (request.publish() == Publish.REPLACE && !request.force()) {
      requireSettled(live, plan);
    }
    SinkContext output = plan.output().withBranch(request.writer());
    try (BranchTable branch = factory.openBranch(output)) {
      branch.startEmpty();
    }
    PipelineSpec replay =
        live.withWriter(request.writer())
            .withSource(
                live.kafka()
                    .withRange(
                        new KafkaSourceSpec.Start(
                            KafkaSourceSpec.Start.Kind.TIMESTAMP, plan.readFrom()),
                        plan.readTo()));
    RunResult run =
        new Pipeline(replay, options.withStopAtEnd(true).withBranch(request.writer())).run();
    if (!run.succeeded()) {
      return new Outcome(plan, run, null, null, Duration.ZERO, Duration.ZERO);
    }
    try (BranchTable branch = factory.openBranch(output)) {
      long compareStart = System.nanoTime();
      DriftReport.Comparison comparison = new DriftReport.Comparison(plan.replaced(), plan.key());
      branch.read(BranchTable.Line.MAIN, plan.replaced(), comparison::main);
      branch.read(BranchTable.Line.BRANCH, plan.replaced(), comparison::branch);
      DriftReport drift = comparison.report();
      Duration comparing = Duration.ofNanos(System.nanoTime() - compareStart);
      if (request.publish() == Publish.NONE) {
        return new Outcome(plan, run, drift, null, comparing, Duration.ZERO);
      }
      if (!request.force()) {
        requireSettled(live, plan);
      }
      long publishStart = System.nanoTime();
      BranchTable.Published published = branch.replace(plan.replaced());
      return new Outcome(
          plan,
          run,
          drift,
          published,
          comparing,
          Duration.ofNanos(System.nanoTime() - publishStart));
    }
  }

  /**
   * Reprocesses the log into the spec's own tables (a new version of a pipeline writes new ones):
   * every split starts at {@code from} unless the writer's checkpoint or tables record a position,
   * so a crashed reprocess resumes. Bounded by the log's end at start, or, with {@code follow}, the
   * run goes on as the live pipeline once it has caught up.
   */
  public static RunResult reprocess(
      PipelineSpec spec, KafkaSourceSpec.Start from, boolean follow, RunOptions options) {
    if (!(spec.source() instanceof KafkaSourceSpec kafka)) {
      throw new PipelineException(
          "A backfill replays a Kafka log; pipeline "
              + spec.pipeline()
              + " reads "
              + spec.source().summary());
    }
    PipelineSpec replay = spec.withSource(kafka.withRange(from, null));
    return new Pipeline(replay, options.withStopAtEnd(!follow)).run();
  }

  private static SupportsBranches branchingSink(PipelineSpec spec) {
    SinkFactory factory =
        SinkFactories.find(spec.sink().type())
            .orElseThrow(() -> new PipelineException("No sink of type " + spec.sink().type()));
    if (factory instanceof SupportsBranches branches) {
      return branches;
    }
    throw new PipelineException(
        "A backfill writes a branch beside the live table, and sink."
            + spec.sink().type()
            + " has no branches");
  }

  /**
   * Refuses a range whose rows the live writer may still change: its watermark (from its newest
   * checkpoint) has not passed the range's last window end plus the allowed lateness.
   */
  private static void requireSettled(PipelineSpec live, BackfillPlan plan) {
    Instant watermark =
        CheckpointStore.latestIn(live.checkpoint().dir())
            .map(c -> PipelineStatus.watermark(live, c))
            .orElse(null);
    if (watermark != null && plan.settled().isAfter(watermark)) {
      throw new PipelineException(
          "The live pipeline may still change "
              + plan.replaced()
              + ": its watermark is "
              + watermark
              + ", and the range takes corrections until "
              + plan.settled()
              + ". Publish once the watermark has passed that, or add --force to publish anyway");
    }
  }
}
