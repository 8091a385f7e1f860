package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A table's committer that counts what its commits do into {@link TableMetrics}: each call of
 * {@link #commit} is one attempt, so the retries of the checkpoint coordinator count as failures
 * followed by a success. Everything else is passed through.
 */
final class MeasuredCommitter implements SinkCommitter {
  private final SinkCommitter delegate;
  private final TableMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private MeasuredCommitter(
      SinkCommitter delegate, TableMetrics metrics, Clock clock, LongSupplier nanoTime) {
    this.delegate = delegate;
    this.metrics = metrics;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** {@code committers}, each counting into the pipeline's metrics of its table. */
  static Map<String, SinkCommitter> wrap(
      Map<String, SinkCommitter> committers, PipelineMetrics metrics, RunOptions options) {
    Map<String, SinkCommitter> result = new LinkedHashMap<>();
    committers.forEach(
        (table, c) ->
            result.put(
                table,
                new MeasuredCommitter(
                    c, metrics.table(table), options.clock(), options.nanoTime())));
    return result;
  }

  @Override
  public void fence() {
    delegate.fence();
  }

  @Override
  public Optional<CommittedCheckpoint> lastCommitted() {
    return delegate.lastCommitted();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public CommitResult commit(
      long checkpointId, Map<String, Long> positions, List<Committable> committables) {
    long start = nanoTime.getAsLong();
    CommitResult result;
    try {
      result = delegate.commit(checkpointId, positions, committables);
    } catch (RuntimeException e) {
      metrics.failures.increment();
      throw e;
    }
    if (result.committed()) {
      metrics.commits.increment();
      metrics.commitNanos.add(nanoTime.getAsLong() - start);
      metrics.files.add(result.files());
      metrics.records.add(result.records());
      metrics.lastCommitMillis = clock.millis();
    }
    return result;
  }
}
