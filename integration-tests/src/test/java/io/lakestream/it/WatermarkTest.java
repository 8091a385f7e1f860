package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.it.EventTimeline.Settings;
import io.lakestream.it.WindowReference.Expected;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-time watermarks as docs/stateful.md defines them: the smallest of the partitions'
 * watermarks, an idle partition not holding it back, disorder within the bound never late, and a
 * record beyond the allowed lateness going to the late-records table.
 */
@ExtendWith(KafkaBroker.class)
class WatermarkTest {
  private static final int PARTITIONS = 4;
  private static final long MINUTE = 60_000;
  private static final Duration WINDOWS_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static List<Aggregate> aggregates() {
    return List.of(
        Aggregate.of("orders", "count(*)"),
        Aggregate.of("revenue", "sum(amount)"),
        Aggregate.of("buyers", "count_distinct(user_id)"));
  }

  /**
   * Partition 3 never receives anything. Once it has been idle for the 1 s timeout, the watermark
   * is the smallest of the other partitions' watermarks, so windows fire while the pipeline runs.
   */
  @Test
  void anEmptyPartitionDoesNotStallWindows(EmbeddedKafkaBroker broker) throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "wm-empty-partition",
                new WindowDef.Tumbling(MINUTE),
                aggregates())
            .withAllowedLateness(MINUTE);
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    EventTimeline timeline =
        new EventTimeline(
            seed, Settings.standard(PARTITIONS).withPartitions(List.of(0, 1, 2)).withStep(200));
    List<SentEvent> sent =
        EventProducer.send(broker.bootstrapServers(), spec.topic(), 1, timeline.phase(1_500, 0));
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    // partition 3 idle: the watermark reaches the smallest newest event time of partitions 0..2
    Map<Integer, Long> newest = new HashMap<>();
    sent.forEach(s -> newest.merge(s.partition(), s.event().eventTime(), Math::max));
    long firedBy =
        newest.values().stream().mapToLong(Long::longValue).min().orElseThrow()
            - WindowPipeline.OUT_OF_ORDERNESS_MILLIS;
    long highest =
        new WatermarkBounds(sent, PARTITIONS, WindowPipeline.OUT_OF_ORDERNESS_MILLIS).highest();
    assertThat(expected.endingBy(firedBy)).as("windows that must fire").hasSizeGreaterThan(10);

    try (PipelineProcess run = StatefulRuns.start(spec, List.of())) {
      await()
          .atMost(WINDOWS_TIMEOUT)
          .ignoreExceptions()
          .failFast("the pipeline process exited", () -> !run.isAlive())
          .untilAsserted(
              () ->
                  WindowAssertions.assertWindowTable(
                      spec, expected.rows(), firedBy, highest, context + ", while running"));
      assertThat(run.isAlive()).isTrue();
      StatefulRuns.terminate(run);
    }
    StatefulRuns.runToEnd(spec);

    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
    WindowAssertions.assertLateRecords(spec, List.of(), context);
  }

  /**
   * With no allowed lateness, records at most 3 s behind their partition's newest event (the bound
   * is 5 s) are never too late, in whatever order the partitions are read.
   */
  @Test
  void disorderWithinTheBoundNeverMakesARecordLate(EmbeddedKafkaBroker broker) throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
            dir,
            broker.bootstrapServers(),
            "wm-disorder",
            new WindowDef.Tumbling(10_000),
            List.of(
                Aggregate.of("orders", "count(*)"),
                Aggregate.of("revenue", "sum(amount)"),
                Aggregate.of("first_user", "first(user_id)"),
                Aggregate.of("last_user", "last(user_id)")));
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    // no corrections, and duplicates only of the last two rounds: within the bound too
    EventTimeline timeline =
        new EventTimeline(
            seed,
            Settings.standard(PARTITIONS)
                .withStep(100)
                .withCorrectionRate(0)
                .withDuplicatesWithin(8));
    List<SentEvent> sent =
        EventProducer.send(broker.bootstrapServers(), spec.topic(), 1, timeline.phase(1_500, 0));
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);

    try (PipelineProcess run = StatefulRuns.start(spec, List.of())) {
      StatefulRuns.awaitCommitted(spec, StatefulRuns.endOffsets(sent, PARTITIONS), run);
      StatefulRuns.awaitFiredWindows(spec, PARTITIONS, sent, run, context + ", while running");
      StatefulRuns.terminate(run);
    }
    StatefulRuns.runToEnd(spec);

    WindowAssertions.assertLateRecords(spec, List.of(), context);
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
  }

  /**
   * After the pipeline has read every partition up to some time, a record produced 150 s behind the
   * oldest of them belongs to a window whose end plus the one minute of lateness the watermark has
   * passed: it lands in the late-records table with its coordinates, and its window's row does not
   * count it.
   */
  @Test
  void aRecordBeyondTheAllowedLatenessLandsInTheLateTable(EmbeddedKafkaBroker broker)
      throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "wm-too-late",
                new WindowDef.Tumbling(MINUTE),
                aggregates())
            .withAllowedLateness(MINUTE);
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    EventTimeline timeline = new EventTimeline(seed, Settings.standard(PARTITIONS).withStep(200));
    List<SentEvent> sent =
        new ArrayList<>(
            EventProducer.send(
                broker.bootstrapServers(), spec.topic(), 1, timeline.phase(1_000, 0)));
    List<SentEvent> late;

    try (PipelineProcess run = StatefulRuns.start(spec, List.of())) {
      StatefulRuns.awaitCommitted(spec, StatefulRuns.endOffsets(sent, PARTITIONS), run);
      StatefulRuns.awaitFiredWindows(spec, PARTITIONS, sent, run, context + ", while running");
      late =
          EventProducer.send(
              broker.bootstrapServers(), spec.topic(), 2, List.of(timeline.farBehind(2, 150_000)));
      sent.addAll(late);
      await()
          .atMost(WINDOWS_TIMEOUT)
          .ignoreExceptions()
          .failFast("the pipeline process exited", () -> !run.isAlive())
          .untilAsserted(() -> WindowAssertions.assertLateRecords(spec, late, context));
      StatefulRuns.terminate(run);
    }
    StatefulRuns.runToEnd(spec);

    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    assertThat(expected.late()).isEqualTo(late);
    long t = late.get(0).event().eventTime();
    assertThat(expected.rows().keySet())
        .as("the late record's window has other records")
        .anyMatch(k -> k.startMicros() <= t * 1000 && t * 1000 < k.endMicros());
    WindowAssertions.assertLateRecords(spec, late, context);
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
  }

  /**
   * A bounded run ends with the watermark of everything it read, and the next run starts from it:
   * it never goes back, also across restarts. A record produced after the first bounded run, 150 s
   * behind the oldest partition, is too late for its window (no allowed lateness) in the second
   * bounded run: it lands in the late-records table, and its window's row does not count it.
   */
  @Test
  void aRecordBehindTheLastBoundedRunsWatermarkIsLateInTheNext(EmbeddedKafkaBroker broker)
      throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
            dir,
            broker.bootstrapServers(),
            "wm-late-after-bounded",
            new WindowDef.Tumbling(MINUTE),
            aggregates());
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    // 300 s of event time in each partition, small enough to be read in one poll; no corrections,
    // duplicates only within the bound: nothing of the first run is late
    EventTimeline timeline =
        new EventTimeline(
            seed,
            Settings.standard(PARTITIONS)
                .withStep(1_000)
                .withCorrectionRate(0)
                .withDuplicatesWithin(8));
    List<SentEvent> sent =
        new ArrayList<>(
            EventProducer.send(broker.bootstrapServers(), spec.topic(), 1, timeline.phase(300, 0)));
    StatefulRuns.runToEnd(spec);
    List<SentEvent> late =
        EventProducer.send(
            broker.bootstrapServers(), spec.topic(), 2, List.of(timeline.farBehind(2, 150_000)));
    sent.addAll(late);
    StatefulRuns.runToEnd(spec);

    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    assertThat(expected.late()).isEqualTo(late);
    long t = late.get(0).event().eventTime();
    assertThat(expected.rows().keySet())
        .as("the late record's window has other records")
        .anyMatch(k -> k.startMicros() <= t * 1000 && t * 1000 < k.endMicros());
    WindowAssertions.assertLateRecords(spec, late, context);
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
  }
}
