package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** Running stateful test pipelines and waiting for what they committed. */
final class StatefulRuns {
  static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(2);
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  private StatefulRuns() {}

  /**
   * The seed of a test's generators: {@code -Dlakestream.it.seed} if given, else a new one.
   * Printed, so that a failure can be replayed.
   */
  static long seed(String test) {
    String given = System.getProperty("lakestream.it.seed");
    long seed = given != null ? Long.parseLong(given) : System.nanoTime();
    System.out.println(
        test + ": seed " + seed + " (replay with -Dlakestream.it.seed=" + seed + ")");
    return seed;
  }

  /** The end offset of every partition of the topic after {@code sent}: 0 where nothing went. */
  static Map<Integer, Long> endOffsets(List<SentEvent> sent, int partitions) {
    Map<Integer, Long> ends = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      ends.put(p, 0L);
    }
    for (SentEvent s : sent) {
      ends.merge(s.partition(), s.offset() + 1, Math::max);
    }
    return ends;
  }

  /**
   * The source positions the window table's newest snapshot records, for every partition of the
   * topic (0 where it records none), or null while it records none.
   */
  static Map<Integer, Long> committedPositions(WindowPipeline spec, int partitions) {
    Snapshot current = LakeTables.load(spec.tables(), spec.table()).currentSnapshot();
    String encoded = current == null ? null : current.summary().get("lakestream.source-positions");
    if (encoded == null) {
      return null;
    }
    Map<Integer, Long> positions = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      positions.put(p, 0L);
    }
    for (String part : encoded.split(",")) {
      int eq = part.lastIndexOf('=');
      int colon = part.lastIndexOf(':', eq);
      if (part.substring(0, colon).equals(spec.topic())) {
        positions.put(
            Integer.parseInt(part.substring(colon + 1, eq)),
            Long.parseLong(part.substring(eq + 1)));
      }
    }
    return positions;
  }

  /**
   * Waits until the window table records {@code ends} as its source positions: a checkpoint holding
   * every record before them, with the state and watermark after them, is committed.
   */
  static void awaitCommitted(WindowPipeline spec, Map<Integer, Long> ends, PipelineProcess run) {
    int partitions = ends.size();
    try {
      await()
          .atMost(COMMIT_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .failFast("the pipeline process exited", () -> !run.isAlive())
          .until(() -> ends.equals(committedPositions(spec, partitions)));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(
          "The window table "
              + spec.table()
              + " did not record positions "
              + ends
              + ": "
              + e.getMessage()
              + "\n"
              + run.tail(),
          e);
    }
  }

  /**
   * Waits until the watermark after {@code sent}, all read, has fired every window it passed: the
   * window table holds the reference rows of the windows ending by the lower bound of the watermark
   * and, without early firing, no row of a window ending after its upper bound.
   */
  static void awaitFiredWindows(
      WindowPipeline spec,
      int partitions,
      List<SentEvent> sent,
      PipelineProcess run,
      String context) {
    WindowReference.Expected expected = WindowReference.compute(spec, partitions, sent);
    WatermarkBounds bounds =
        new WatermarkBounds(sent, partitions, WindowPipeline.OUT_OF_ORDERNESS_MILLIS);
    long firedBy = bounds.lower(sent.stream().mapToInt(SentEvent::phase).max().orElse(0) + 1);
    long unfiredAfter = spec.earlyFireMillis() > 0 ? Long.MAX_VALUE : bounds.highest();
    await()
        .atMost(COMMIT_TIMEOUT)
        .ignoreExceptions()
        .failFast("the pipeline process exited", () -> !run.isAlive())
        .untilAsserted(
            () ->
                WindowAssertions.assertWindowTable(
                    spec, expected.rows(), firedBy, unfiredAfter, context));
  }

  /** Starts {@code lakestream run SPEC} (unbounded). */
  static PipelineProcess start(WindowPipeline spec, List<String> systemProperties)
      throws IOException {
    return PipelineProcess.start(spec.logs(), systemProperties, "run", spec.writeSpec().toString());
  }

  /** Stops a run with SIGTERM, which commits the current checkpoint and exits 0. */
  static void terminate(PipelineProcess run) throws InterruptedException {
    run.terminate();
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
  }

  /** Runs {@code lakestream run SPEC --stop-at-end} to its end, which must be exit code 0. */
  static void runToEnd(WindowPipeline spec) throws IOException, InterruptedException {
    try (PipelineProcess run =
        PipelineProcess.start(
            spec.logs(), List.of(), "run", spec.writeSpec().toString(), "--stop-at-end")) {
      assertThat(run.waitFor(RUN_TIMEOUT)).as("bounded run\n%s", run.tail()).isZero();
    }
  }
}
