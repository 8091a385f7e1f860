package io.lakestream.core.runtime;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Applies the error policy to one task's bad records: every one is counted and logged
 * (rate-limited) with its topic, partition and offset, and dead-lettered or skipped; under {@code
 * fail} the caller gets the failure to stop on.
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
    switch (policy) {
      case FAIL:
        return new RecordFailure(bad.coordinates(), stage, error);
      case DEAD_LETTER:
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        deadLetter.write(
            DeadLetter.row(pipelineId, bad, stage, error, nowMicros), split, bad.offset());
        metrics.deadLettered.increment();
        warn("Dead-lettered", bad, stage, error);
        return null;
      case SKIP:
        metrics.skipped.increment();
        warn("Skipped", bad, stage, error);
        return null;
      default:
        throw new IllegalStateException("Unknown error policy " + policy);
    }
  }

  private void warn(String what, SourceRecord bad, String stage, String error) {
    warnings.log("{} bad record at {} ({}): {}", what, bad.coordinates(), stage, error);
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
