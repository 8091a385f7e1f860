package io.lakestream.core.runtime;

import io.lakestream.core.record.Row;

/** Where a keyed step's output goes: the next keyed step, or the table. */
interface Emitter {

  /** Emits a row derived from {@code cause} (which carries its event time and origin). */
  void emit(Row row, Event cause);

  /**
   * Emits a result row of no single record, such as a window's; it replaces any row with its key.
   */
  void emitResult(Row row);

  /**
   * Removes the result row with the key of {@code keyRow}, such as a session window that merged.
   */
  void retract(Row keyRow);

  /** Sends a record that came too late to the late-records table. */
  void late(Event event, String reason, long watermark);

  /** Applies the error policy to an event the step could not take. */
  void badRecord(Event event, String error);

  /**
   * Applies the error policy to a row of no single record ({@link #emitResult}, {@link #retract})
   * that the table refused.
   *
   * @param origin where the row came from, e.g. {@code transforms[1].window [start, end) group
   *     [eu]}
   * @param stage {@code sink} for a result, {@code sink delete} for a retraction
   * @throws io.lakestream.core.error.PipelineException under the {@code fail} policy, naming {@code
   *     origin}
   */
  void refused(Row row, String origin, String stage, String error);
}
