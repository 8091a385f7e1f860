package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.hudi.HudiSnapshotReader;
import io.lakestream.hudi.HudiTableInspection;
import io.lakestream.it.EventTimeline.Settings;
import io.lakestream.it.WindowReference.Expected;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StatefulCrashTest}'s dedupe and tumbling-window pipeline with only its {@code sink} block
 * changed to a Hudi merge-on-read table: window results are upserted by their window key (a window
 * that receives allowed-late records is written again), runs are killed by SIGKILL after a table
 * commit, after persisting a checkpoint and at a random moment, then run to the end of the input.
 * The table, read with Hudi's file-group reader (base and log files merged), must equal {@link
 * WindowReference}'s rows exactly, and no instant may carry a checkpoint twice.
 */
@ExtendWith(KafkaBroker.class)
class HudiWindowCrashTest {
  private static final int PARTITIONS = 4;
  private static final int SLOTS = 1_500;
  private static final long MINUTE = 60_000;
  private static final List<String> KILLS = List.of("COMMITTED", "random", "PERSISTED");

  @TempDir Path dir;

  @Test
  void tumblingWindowsUpsertedIntoHudiEqualTheReferenceAcrossKills(EmbeddedKafkaBroker broker)
      throws Exception {
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                broker.bootstrapServers(),
                "hudi-windows",
                new WindowDef.Tumbling(MINUTE),
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("buyers", "count_distinct(user_id)"),
                    Aggregate.of("max_amount", "max(amount)"),
                    Aggregate.of("last_user", "last(user_id)")))
            .withAllowedLateness(MINUTE);
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    Random kills = new Random(seed + 1);
    List<SentEvent> sent =
        new ArrayList<>(
            EventProducer.send(
                broker.bootstrapServers(),
                spec.topic(),
                1,
                new EventTimeline(seed, Settings.standard(PARTITIONS)).phase(SLOTS, 0)));
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    Path table = dir.resolve("warehouse/hudi/windows").toAbsolutePath();
    Path hudiSpec =
        HudiSpecs.withHudiSink(
            spec.writeSpec(), table, "it.hudi_windows", "type: merge-on-read", "compact-every: 3");

    for (String kill : KILLS) {
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess child =
          PipelineProcess.start(spec.logs(), props, "run", hudiSpec.toString())) {
        if (kill.equals("random")) {
          Thread.sleep(2_000 + kills.nextInt(3_000));
        } else {
          try {
            child.awaitOutput("^PAUSED " + kill + " ", Duration.ofSeconds(30));
          } catch (ConditionTimeoutException e) {
            // nothing was left to commit: this kill lands at a random moment instead
          }
        }
        child.kill();
      }
    }
    try (PipelineProcess last =
        PipelineProcess.start(
            spec.logs(), List.of(), "run", hudiSpec.toString(), "--stop-at-end")) {
      assertThat(last.waitFor(StatefulRuns.RUN_TIMEOUT)).as(last.tail()).isZero();
    }

    WindowAssertions.assertWindowRows(
        spec,
        WindowAssertions.fromColumns(spec, HudiSnapshotReader.read(table.toUri().toString())),
        "Hudi table " + table,
        expected.rows(),
        "seed " + seed);
    assertThat(new HudiTableInspection(table.toUri().toString()).checkpoints())
        .doesNotHaveDuplicates()
        .isNotEmpty();
  }
}
