package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A table's committer that counts what its commits do into {@link TableMetrics}: each call of
 * {@link #commit} is one attempt, so the retries of the checkpoint coordinator count as failures
 * followed by a success, and makes a {@code commit} span of each ({@link Tracing}). Everything else
 * is passed through.
 */
final class MeasuredCommitter implements SinkCommitter {
  private final SinkCommitter delegate;
  private final String table;
  private final TableMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private MeasuredCommitter(
      SinkCommitter delegate,
      String table,
      TableMetrics metrics,
      Clock clock,
      LongSupplier nanoTime) {
    this.delegate = delegate;
    this.table = table;
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
                    c, table, metrics.table(table), options.clock(), options.nanoTime())));
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
    Span span =
        Tracing.tracer()
            .spanBuilder("commit")
            .setAttribute(Tracing.TABLE, table)
            .setAttribute(Tracing.CHECKPOINT_ID, checkpointId)
            .startSpan();
    long start = nanoTime.getAsLong();
    CommitResult result;
    try {
      result = delegate.commit(checkpointId, positions, committables);
    } catch (RuntimeException e) {
      metrics.failures.increment();
      Tracing.failed(span, e);
      span.end();
      throw e;
    }
    if (result.committed()) {
      metrics.commits.increment();
      metrics.commitNanos.add(nanoTime.getAsLong() - start);
      metrics.files.add(result.files());
      metrics.records.add(result.records());
      metrics.bytes.add(result.bytes());
      metrics.lastCommitMillis = clock.millis();
    }
    span.setAttribute(Tracing.COMMITTED, result.committed());
    span.setAttribute(Tracing.RECORDS, result.records());
    span.setAttribute(Tracing.FILES, (long) result.files());
    span.setAttribute(Tracing.BYTES, result.bytes());
    span.end();
    return result;
  }
}
