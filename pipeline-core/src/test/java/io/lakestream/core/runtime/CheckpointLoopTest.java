package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint interval is measured on the run's injected clock: the test moves time by hand, and
 * counts the loop's ticks to show that nothing happens while time stands still.
 */
class CheckpointLoopTest {
  private static final Duration INTERVAL = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final FakeTable table = new FakeTable();
  private final CountingTask task = new CountingTask();
  private final List<Long> discoveries = new CopyOnWriteArrayList<>();
  private volatile boolean stop;

  @Test
  void checkpointsWhenTheInjectedClockPassesTheIntervalAndNeverBefore() throws Exception {
    RunOptions options =
        RunOptions.defaults()
            .withStatus(Duration.ZERO, new PrintStream(new ByteArrayOutputStream()))
            .withTime(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), nanos::get);
    PipelineSpec spec = spec();
    try (CheckpointStore store = new CheckpointStore(dir.resolve("cp"), "p");
        StatusLine status =
            new StatusLine("p", new PipelineMetrics(), options, 0, Map::of, List.of())) {
      CheckpointCoordinator coordinator =
          new CheckpointCoordinator(
              "p",
              store,
              Map.<String, SinkCommitter>of("out", table),
              positions -> {},
              options.phaseListener(),
              options.clock(),
              spec.checkpoint().timeout(),
              new Backoff(options.clock(), spec.checkpoint().retryTimeout()),
              0,
              new CheckpointTransactions(Map.of("out", table)));
      coordinator.recover();
      CheckpointLoop loop =
          new CheckpointLoop(
              spec,
              options,
              new PipelineMetrics(),
              coordinator,
              List.of(task),
              () -> discoveries.add(nanos.get()),
              status,
              () -> {},
              state -> {},
              () -> stop);
      CompletableFuture<RunResult> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return loop.run(1, nanos.get());
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });

      awaitTicks(25);
      assertThat(task.barriers).hasValue(0);

      nanos.addAndGet(INTERVAL.toNanos() - 1);
      awaitTicks(25);
      assertThat(task.barriers).hasValue(0);

      nanos.addAndGet(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> table.commits.size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> discoveries.size() == 1);
      assertThat(discoveries).containsExactly(nanos.get()); // splits looked for after it

      nanos.addAndGet(INTERVAL.toNanos() / 2);
      awaitTicks(25);
      assertThat(table.commits).containsExactly(1L);

      nanos.addAndGet(INTERVAL.toNanos() / 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> table.commits.size() == 2);

      stop = true;
      RunResult result = run.get();
      assertThat(result.checkpoints()).isEqualTo(3); // the last one is taken on stop
      assertThat(table.commits).containsExactly(1L, 2L, 3L);
      assertThat(result.elapsed()).isEqualTo(INTERVAL.multipliedBy(2));
    }
  }

  private void awaitTicks(int ticks) {
    int from = task.ticks.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> task.ticks.get() >= from + ticks);
  }

  private PipelineSpec spec() {
    return SpecParser.parse(
        """
        pipeline: p
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]}
        sink:
          test: {table: a.orders}
        schema:
          fields:
            - {name: event_id, type: long}
        checkpoint: {interval: %s, dir: "%s"}
        """
            .formatted("30s", dir.resolve("cp")));
  }

  /** A task that answers every barrier with a new position and counts the loop's looks at it. */
  private static final class CountingTask implements Task {
    final AtomicInteger ticks = new AtomicInteger();
    final AtomicInteger barriers = new AtomicInteger();

    @Override
    public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
      int n = barriers.incrementAndGet();
      return CompletableFuture.completedFuture(
          new TaskSnapshot(
              0, checkpointId, Map.of("t:0", (long) n), Map.of(), Map.of(), false, null));
    }

    @Override
    public boolean idle() {
      return false;
    }

    @Override
    public Throwable fatalError() {
      ticks.incrementAndGet();
      return null;
    }

    @Override
    public void stop() {}
  }
}
