package io.lakestream.core.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * The pipeline's counters, shared by its tasks. Names are stable: {@code records.in}, {@code
 * records.out}, {@code records.filtered}, {@code records.dead-lettered}, {@code records.skipped},
 * {@code records.duplicates}, {@code records.late}, {@code records.deleted}.
 */
public final class PipelineMetrics {
  final LongAdder in = new LongAdder();
  final LongAdder out = new LongAdder();
  final LongAdder filtered = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder skipped = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder deleted = new LongAdder();
  final LongAdder tombstones = new LongAdder();
  final LongAdder alreadyCommitted = new LongAdder();

  /** A consistent-enough copy of the counters for status lines and results. */
  public Snapshot snapshot() {
    return new Snapshot(
        in.sum(),
        out.sum(),
        filtered.sum(),
        deadLettered.sum(),
        skipped.sum(),
        duplicates.sum(),
        late.sum(),
        deleted.sum(),
        tombstones.sum(),
        alreadyCommitted.sum());
  }

  /**
   * The counters at one moment.
   *
   * @param in records read from the source
   * @param out rows written to the output table
   * @param filtered records a filter dropped
   * @param deadLettered bad records written to the dead-letter table
   * @param skipped bad records counted, logged and dropped by the {@code skip} policy
   * @param duplicates records a dedupe dropped
   * @param late records too late for their window, written to the late-records table
   * @param deleted rows removed by delete changes
   * @param tombstones records with a null value that were skipped
   * @param alreadyCommitted records read again after a restart whose rows the table already held,
   *     so they were not written again
   */
  public record Snapshot(
      long in,
      long out,
      long filtered,
      long deadLettered,
      long skipped,
      long duplicates,
      long late,
      long deleted,
      long tombstones,
      long alreadyCommitted) {}
}
