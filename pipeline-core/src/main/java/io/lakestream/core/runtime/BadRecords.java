package io.lakestream.core.runtime;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Applies the error policy to one task's bad records: every one is counted and logged
 * (rate-limited) with its coordinates (topic, partition and offset, or for a row a table refused
 * that no source record names, its origin), and dead-lettered or skipped; under {@code fail} the
 * caller gets the failure to stop on.
 */
final class BadRecords {
  private static final Logger LOG = LoggerFactory.getLogger(BadRecords.class);

  /**
   * Writes a dead-letter row for the record at {@code offset} of the task's split {@code split}.
   */
  @FunctionalInterface
  interface DeadLetterWriter {
    void write(Row row, int split, long offset);
  }

  private final String pipelineId;
  private final ErrorSpec.Policy policy;
  private final DeadLetterWriter deadLetter;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final RateLimitedLog warnings;
  private final RateLimitedLog tombstones;

  BadRecords(
      String pipelineId,
      ErrorSpec.Policy policy,
      DeadLetterWriter deadLetter,
      PipelineMetrics metrics,
      Clock clock,
      LongSupplier nanoTime) {
    this.pipelineId = pipelineId;
    this.policy = policy;
    this.deadLetter = deadLetter;
    this.metrics = metrics;
    this.clock = clock;
    this.warnings = new RateLimitedLog(LOG, Level.WARN, "bad records", nanoTime);
    this.tombstones = new RateLimitedLog(LOG, Level.INFO, "tombstones", nanoTime);
  }

  /**
   * Handles a bad record read from the task's split {@code split}.
   *
   * @param stage where it failed, e.g. {@code decode}
   * @return the failure under the {@code fail} policy; otherwise null
   */
  RecordFailure handle(SourceRecord bad, int split, String stage, String error) {
    return apply(
        bad.coordinates(),
        stage,
        error,
        nowMicros -> DeadLetter.row(pipelineId, bad, stage, error, nowMicros),
        split,
        bad.offset());
  }

  /**
   * Handles a row a table refused that no single source record names: a change of a change source,
   * a window's result. It is dead-lettered with {@code origin} in place of topic, partition and
   * offset.
   *
   * @param origin where the row came from (see {@link DeadLetter#refused}); log lines and the
   *     failure name it
   * @param position its source position, or null
   * @param refused the refused row, as text
   * @param split the task's split it came from (0 for a keyed task)
   * @return the failure under the {@code fail} policy; otherwise null
   */
  RecordFailure handleRefused(
      String origin, Long position, String refused, int split, String stage, String error) {
    return apply(
        origin,
        stage,
        error,
        nowMicros ->
            DeadLetter.refused(pipelineId, origin, position, refused, stage, error, nowMicros),
        split,
        position == null ? 0 : position);
  }

  private RecordFailure apply(
      String coordinates,
      String stage,
      String error,
      LongFunction<Row> deadLetterRow,
      int split,
      long offset) {
    switch (policy) {
      case FAIL:
        return new RecordFailure(coordinates, stage, error);
      case DEAD_LETTER:
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        deadLetter.write(deadLetterRow.apply(nowMicros), split, offset);
        metrics.deadLettered.increment();
        warnings.log("Dead-lettered bad record at {} ({}): {}", coordinates, stage, error);
        return null;
      case SKIP:
        metrics.skipped.increment();
        warnings.log("Skipped bad record at {} ({}): {}", coordinates, stage, error);
        return null;
      default:
        throw new IllegalStateException("Unknown error policy " + policy);
    }
  }

  /** Counts and logs a skipped tombstone (a record with a null value). */
  void skipTombstone(SourceRecord r) {
    metrics.tombstones.increment();
    tombstones.log("Skipped a tombstone (a record with no value) at {}", r.coordinates());
  }

  /** Says how many log lines were left out since the last time; see {@link RateLimitedLog}. */
  void flushLog() {
    warnings.flush();
    tombstones.flush();
  }
}
