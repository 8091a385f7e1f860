package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.it.EventTimeline.Settings;
import io.lakestream.it.WindowReference.Expected;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Key groups under fire: a dedupe + window pipeline in a child JVM runs at parallelism 2, then 3,
 * then 1, each stage killed with SIGKILL after a committed checkpoint and at a random moment while
 * events keep arriving; the last run goes to the end of the input. The window table must equal the
 * reference computed from the produced events, with no checkpoint committed twice, and the runs
 * that changed the parallelism must say that they moved the state.
 *
 * <p>No event is produced too late (every one lies within the allowed lateness of any watermark the
 * pipeline can have), so events may arrive while the pipeline runs without making any record's
 * classification depend on timing.
 */
@ExtendWith(KafkaBroker.class)
class RescaleTest {
  private static final int PARTITIONS = 4;
  private static final int SLOTS_PER_CHUNK = 700;
  private static final long MINUTE = 60_000;
  private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final List<SentEvent> sent = new ArrayList<>();
  private int chunks;

  static Stream<Arguments> windows() {
    return Stream.of(
        Arguments.of("tumbling", new WindowDef.Tumbling(MINUTE), Settings.standard(PARTITIONS)),
        Arguments.of(
            "session",
            new WindowDef.Session(30_000),
            Settings.standard(PARTITIONS).withSessionGaps()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void stateFollowsItsKeysFromTwoToThreeToOneTasksAcrossKills(
      String name, WindowDef window, Settings settings, EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    WindowPipeline spec =
        WindowPipeline.of(
                dir,
                servers,
                "rescale-" + name,
                window,
                List.of(
                    Aggregate.of("orders", "count(*)"),
                    Aggregate.of("revenue", "sum(amount)"),
                    Aggregate.of("buyers", "count_distinct(user_id)"),
                    Aggregate.of("first_user", "first(user_id)")))
            .withAllowedLateness(MINUTE);
    broker.createTopic(spec.topic(), PARTITIONS);
    long seed = StatefulRuns.seed(spec.pipelineId());
    Random random = new Random(seed + 1);
    EventTimeline timeline = new EventTimeline(seed, settings);

    produce(servers, spec, timeline);
    int previous = 0;
    for (int parallelism : new int[] {2, 3, 1}) {
      WindowPipeline stage = spec.withParallelism(parallelism);
      try (PipelineProcess run =
          StatefulRuns.start(stage, List.of("lakestream.debug.pause-at=COMMITTED"))) {
        if (previous > 0) {
          for (String step : List.of("dedupe", "window")) {
            String moved =
                "Redistributed the state of "
                    + step
                    + " from "
                    + previous
                    + " to "
                    + parallelism
                    + " tasks";
            await()
                .atMost(StatefulRuns.COMMIT_TIMEOUT)
                .failFast("the pipeline process exited:\n" + run.tail(), () -> !run.isAlive())
                .until(() -> run.stderr().contains(moved));
          }
        }
        try {
          run.awaitOutput("^PAUSED COMMITTED ", PAUSE_TIMEOUT);
        } catch (ConditionTimeoutException e) {
          // an earlier run left nothing to commit: this one is killed wherever it is
        }
        run.kill();
      }
      try (PipelineProcess run = StatefulRuns.start(stage, List.of())) {
        CompletableFuture<Void> arriving =
            CompletableFuture.runAsync(() -> produce(servers, spec, timeline));
        Thread.sleep(1_000 + random.nextInt(3_000));
        run.kill();
        arriving.join();
      }
      previous = parallelism;
    }
    StatefulRuns.runToEnd(spec.withParallelism(1));

    String context = "seed " + seed;
    Expected expected = WindowReference.compute(spec, PARTITIONS, sent);
    assertThat(expected.late()).as("the generator produced no late record").isEmpty();
    WindowAssertions.assertWindowTable(spec, expected.rows(), context);
    WindowAssertions.assertLateRecords(spec, expected.late(), context);
    WindowAssertions.assertNoCheckpointCommittedTwice(spec);
  }

  /** Produces the next chunk of the timeline, none of it too late, as its own phase. */
  private void produce(String servers, WindowPipeline spec, EventTimeline timeline) {
    List<EventTimeline.Planned> planned;
    int phase;
    synchronized (this) {
      planned = timeline.phase(SLOTS_PER_CHUNK, 0);
      phase = ++chunks;
    }
    try {
      List<SentEvent> chunk = EventProducer.send(servers, spec.topic(), phase, planned);
      synchronized (this) {
        sent.addAll(chunk);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot produce chunk " + phase, e);
    }
  }
}
