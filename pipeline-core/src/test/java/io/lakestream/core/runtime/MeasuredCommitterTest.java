package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.error.RetriableException;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.spec.WriterId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A table's commits are counted as the checkpoint coordinator makes them: every failed attempt,
 * then the commit that succeeds with its files, rows, bytes and time; a checkpoint the table
 * already holds counts nothing.
 */
class MeasuredCommitterTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");

  @Test
  void countsFailedAttemptsThenTheCommitWithItsFilesRowsAndTime() throws Exception {
    FakeTable table = new FakeTable();
    AtomicInteger failuresLeft = new AtomicInteger(2);
    table.beforeCommit =
        () -> {
          if (failuresLeft.getAndDecrement() > 0) {
            throw new RetriableException("the catalog does not answer", null);
          }
        };
    AtomicLong nanos = new AtomicLong();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    RunOptions options = RunOptions.defaults().withTime(clock, () -> nanos.addAndGet(250_000_000));
    PipelineMetrics metrics = new PipelineMetrics();
    SinkCommitter measured =
        MeasuredCommitter.wrap(Map.of("lake.t", table), metrics, options).get("lake.t");
    Backoff backoff =
        new Backoff(clock, Duration.ofMinutes(1), Duration.ofMillis(1), Duration.ofMillis(1));
    List<Committable> files =
        List.of(new Committable(5, new byte[1]), new Committable(7, new byte[1]));

    backoff.run("commit", () -> measured.commit(1, Map.of("t:0", 12L), files), what -> {});
    measured.commit(1, Map.of("t:0", 12L), files); // already held: not counted

    List<String> labels = List.of("p", WriterId.DEFAULT, "lake.t");
    assertThat(metrics.samples("p", WriterId.DEFAULT, NOW.toEpochMilli()))
        .contains(
            Metrics.TABLE_COMMIT_FAILURES.sample(labels, 2),
            Metrics.TABLE_COMMIT_DURATION.summary(labels, 1, 0.25),
            Metrics.TABLE_COMMITTED_FILES.sample(labels, 2),
            Metrics.TABLE_COMMITTED_RECORDS.sample(labels, 0),
            Metrics.TABLE_COMMITTED_BYTES.sample(labels, 2), // FakeTable: a file's committable size
            Metrics.TABLE_LAST_COMMIT.sample(labels, NOW.getEpochSecond()));
    assertThat(table.commits).containsExactly(1L);
  }
}
