package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.it.EventTimeline.Settings;
import io.lakestream.it.WindowReference.Expected;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exactly-once proof for state: a dedupe and tumbling-window pipeline in a child JVM is killed
 * with SIGKILL at commit-protocol boundaries and at random moments, in both phases of the input,
 * restarted each time, and finally run to the end of its input. Its window table must then equal
 * the reference model exactly, read with Iceberg's reader and through Trino (with the catalog file
 * {@code lakestream trino-catalog} writes), its late-records table must hold every too-late record
 * once, and no checkpoint may be committed twice.
 *
 * <p>Between the phases the pipeline is killed right after a checkpoint holding all of phase 1 is
 * committed, and phase 2 is produced while nothing runs, so that every record's classification is
 * certain (see {@link WatermarkBounds}).
 */
@ExtendWith({KafkaBroker.class, SharedTrino.class})
class StatefulCrashTest {
  private static final int PARTITIONS = 4;
  private static final int SLOTS_PER_PHASE = 3_500;
  private static final int TOO_LATE = 50;
  private static final long MINUTE = 60_000;

  /**
   * Where each run is killed: at a phase boundary (pausing there first), or at a random time; five
   * random kills in all, besides the pinned ones and the kill after phase 1 is committed.
   */
  private static final List<String> PHASE_1_KILLS = List.of("COMMITTED", "random", "random");

  private static final List<String> PHASE_2_KILLS =
      List.of("PERSISTED", "random", "random", "COMMITTED", "random");

  /**
   * How long a run is given to reach its pause: an earlier run may have left it nothing to commit,
   * and then it is killed wherever it is.
   */
  private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  static Stream<Arguments> windows() {
    return Stream.of(
        Arguments.of("tumbling", new WindowDef.Tumbling(MINUTE), Settings.standard(PARTITIONS)),
        Arguments.of(
            "sliding", new WindowDef.Sliding(MINUTE, 20_000), Settings.standard(PARTITIONS)),
        Arguments.of(
            "session",
            new WindowDef.Session(30_000),
            Settings.standard(PARTITIONS).withSessionGaps()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void windowsAndLateRecordsAreExactAcrossKills(
      String name,
      WindowDef window,
      Settings settings,
      EmbeddedKafkaBroker broker,
      TrinoServer trino)
      throws Exception {
    String servers = broker.bootstrapServers();
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                servers,
                "stateful-crash-" + name,
                window,
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("buyers", "count_distinct(user_id)"),
                    Aggregate.of("max_amount", "max(amount)"),
                    Aggregate.of("first_user", "first(user_id)"),
                    Aggregate.of("last_user", "last(user_id)"),
                    Aggregate.of("avg_amount", "avg(amount)")))
            .withAllowedLateness(MINUTE);
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    String context = "seed " + seed;
    Random kills = new Random(seed + 1);
    EventTimeline timeline = new EventTimeline(seed, settings);

    List<SentEvent> sent =
        new ArrayList<>(
            EventProducer.send(servers, spec.topic(), 1, timeline.phase(SLOTS_PER_PHASE, 0)));
    for (String kill : PHASE_1_KILLS) {
      runAndKill(spec, kill, kills);
    }
    try (PipelineProcess run = StatefulRuns.start(spec, List.of())) {
      StatefulRuns.awaitCommitted(spec, StatefulRuns.endOffsets(sent, PARTITIONS), run);
      StatefulRuns.awaitFiredWindows(spec, PARTITIONS, sent, run, context + ", after phase 1");
      run.kill();
    }
    sent.addAll(
        EventProducer.send(servers, spec.topic(), 2, timeline.phase(SLOTS_PER_PHASE, TOO_LATE)));
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    for (String kill : PHASE_2_KILLS) {
      runAndKill(spec, kill, kills);
    }
    StatefulRuns.runToEnd(spec);

    assertThat(expected.late()).hasSize(TOO_LATE);
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
    WindowAssertions.assertLateRecords(spec, expected.late(), context);
    WindowAssertions.assertNoCheckpointCommittedTwice(spec);

    String catalog = "it_stateful_crash_" + name;
    trino.createCatalogFor(spec.writeSpec(), catalog, dir);
    WindowAssertions.assertWindowRows(
        spec,
        WindowAssertions.readThroughTrino(spec, trino, catalog),
        "Trino's " + catalog + "." + spec.table(),
        expected.rows(),
        context);
  }

  private static void runAndKill(WindowPipeline spec, String kill, Random random) throws Exception {
    List<String> props =
        kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
    try (PipelineProcess child = StatefulRuns.start(spec, props)) {
      if (kill.equals("random")) {
        Thread.sleep(1_000 + random.nextInt(3_000));
      } else {
        try {
          child.awaitOutput("^PAUSED " + kill + " ", PAUSE_TIMEOUT);
        } catch (ConditionTimeoutException e) {
          // nothing was left to commit: this kill lands at a random moment instead
        }
      }
      child.kill();
    }
  }
}
