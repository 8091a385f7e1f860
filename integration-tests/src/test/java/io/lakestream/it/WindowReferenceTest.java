package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.it.EventTimeline.Settings;
import io.lakestream.it.WindowReference.Expected;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dedupe and window steps against the reference model ({@link WindowReference}), one test per
 * window type, over events with disorder, duplicates, corrections and too-late records.
 *
 * <p>Phase 1 is produced and read by an unbounded run, which is stopped with SIGTERM once the table
 * records phase 1's end offsets; by then every window the watermark passed must hold its phase-1
 * result. Phase 2 continues the timelines, correcting windows that have fired and adding records
 * far behind the watermark; a bounded run reads it, and the tables must then equal the reference
 * exactly: one row per window and group, and each too-late record once in the late table. Producing
 * phase 2 only after phase 1 is committed, with no pipeline running, makes every record's
 * classification certain whatever the interleaving (see {@link WatermarkBounds}).
 */
@ExtendWith(KafkaBroker.class)
class WindowReferenceTest {
  private static final int PARTITIONS = 4;
  private static final int SLOTS_PER_PHASE = 3_500;
  private static final int TOO_LATE = 50;
  private static final long MINUTE = 60_000;

  @TempDir Path dir;

  @Test
  void tumblingWindowsEqualTheReferenceWithCorrectionsDuplicatesAndTooLateRecords(
      EmbeddedKafkaBroker broker) throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "win-tumbling",
                new WindowDef.Tumbling(MINUTE),
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("buyers", "count_distinct(user_id)"),
                    Aggregate.of("max_amount", "max(amount)"),
                    Aggregate.of("approx_buyers", "approx_count_distinct(user_id)"),
                    Aggregate.of("first_user", "first(user_id)"),
                    Aggregate.of("last_user", "last(user_id)"),
                    Aggregate.of("avg_amount", "avg(amount)")))
            .withAllowedLateness(MINUTE);

    twoPhasesEqualTheReference(broker, spec, Settings.standard(PARTITIONS));
  }

  /** Also: early firing, and null user ids and amounts, which aggregates ignore. */
  @Test
  void slidingWindowsWithEarlyFiringEqualTheReference(EmbeddedKafkaBroker broker) throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "win-sliding",
                new WindowDef.Sliding(MINUTE, 20_000),
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("with_user", "count(user_id)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("min_amount", "min(amount)"),
                    Aggregate.of("avg_amount", "avg(amount)"),
                    Aggregate.of("buyers", "count_distinct(user_id)")))
            .withAllowedLateness(MINUTE)
            .withEarlyFire(1_000);

    twoPhasesEqualTheReference(broker, spec, Settings.standard(PARTITIONS).withNulls(0.02));
  }

  /**
   * Categories pause now and then, so each forms several sessions; corrections extend and merge
   * sessions that have fired, whose earlier rows must be gone. Also: the memory state backend and a
   * named late-records table.
   */
  @Test
  void sessionWindowsEqualTheReferenceAfterMergingCorrections(EmbeddedKafkaBroker broker)
      throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "win-session",
                new WindowDef.Session(30_000),
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("max_amount", "max(amount)"),
                    Aggregate.of("first_user", "first(user_id)"),
                    Aggregate.of("last_user", "last(user_id)")))
            .withAllowedLateness(MINUTE)
            .withStateBackend("memory")
            .withLateRecordsTable("it.win_session_too_late");

    twoPhasesEqualTheReference(broker, spec, Settings.standard(PARTITIONS).withSessionGaps());
  }

  private static void twoPhasesEqualTheReference(
      EmbeddedKafkaBroker broker, WindowPipeline spec, Settings settings) throws Exception {
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    EventTimeline timeline = new EventTimeline(seed, settings);
    List<SentEvent> sent =
        new ArrayList<>(
            EventProducer.send(
                broker.bootstrapServers(), spec.topic(), 1, timeline.phase(SLOTS_PER_PHASE, 0)));

    try (PipelineProcess run = StatefulRuns.start(spec, List.of())) {
      StatefulRuns.awaitCommitted(spec, StatefulRuns.endOffsets(sent, PARTITIONS), run);
      StatefulRuns.awaitFiredWindows(spec, PARTITIONS, sent, run, context + ", after phase 1");
      StatefulRuns.terminate(run);
    }

    sent.addAll(
        EventProducer.send(
            broker.bootstrapServers(), spec.topic(), 2, timeline.phase(SLOTS_PER_PHASE, TOO_LATE)));
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    StatefulRuns.runToEnd(spec);

    assertThat(expected.late()).hasSize(TOO_LATE);
    WindowAssertions.assertSchema(spec);
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
    WindowAssertions.assertLateRecords(spec, expected.late(), context);
  }
}
